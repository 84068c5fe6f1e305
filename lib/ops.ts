// The binding pattern for ATen operators: every op is looked up once by its schema name and
// called through the dispatcher with arguments in schema order (native/dispatch.cc converts
// them by the schema's types; `undefined` takes the schema default). Adding an op is one line:
//   const ADD = op('aten::add.Tensor');
import { native } from './native';

const ids = new Map<string, number>();

/** Looks up `aten::name.overload` (overload may be omitted) and returns its id for callOp; one id per op. */
export function op(qualifiedName: string): number {
  let id = ids.get(qualifiedName);
  if (id === undefined) {
    const dot = qualifiedName.indexOf('.', qualifiedName.indexOf('::'));
    const name = dot < 0 ? qualifiedName : qualifiedName.slice(0, dot);
    const overload = dot < 0 ? '' : qualifiedName.slice(dot + 1);
    id = native.lookupOp(name, overload);
    ids.set(qualifiedName, id);
  }
  return id;
}

/** The schema string of a looked-up op, as PyTorch prints it. */
export function schemaOf(id: number): string {
  return native.opSchema(id);
}
