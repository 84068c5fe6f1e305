// torch/utils/tensorboard/_embedding.py: the files of TensorBoard's projector (tensors.tsv,
// metadata.tsv, sprite.png) and projector_config.pbtxt, in protobuf's text format.
import * as fs from 'fs';
import * as path from 'path';
import { float64, uint8 } from '../../dtype';
import { cat, zeros } from '../../generated/torch';
import { tidy } from '../../memory';
import { pyFloat, pyStr } from '../../nn/repr';
import { PyFloat } from '../../scalar';
import { Tensor } from '../../tensor';
import { makeGrid } from './summary';
import { encodePngBytes } from '../../vision/io/png';

export interface EmbeddingInfo {
  tensorName: string;
  metadataPath?: string;
  sprite?: { imagePath: string; singleImageDim: [number, number] };
  tensorPath: string;
}

/** A Python value as str() prints it (a number that is integral prints as an int unless a PyFloat). */
const str = (v: unknown): string => (v instanceof PyFloat ? pyFloat(v.value) : pyStr(v));

export function makeTsv(metadata: readonly unknown[], savePath: string, metadataHeader: readonly string[] | null = null): void {
  let lines: string[];
  if (!metadataHeader || metadataHeader.length === 0) lines = metadata.map(str);
  else {
    if (metadataHeader.length !== (metadata[0] as unknown[]).length) throw new Error('len of header must be equal to the number of columns in metadata');
    lines = [metadataHeader, ...(metadata as unknown[][])].map((row) => row.map(str).join('\t'));
  }
  fs.writeFileSync(path.join(savePath, 'metadata.tsv'), `${lines.join('\n')}\n`);
}

export function makeSprite(labelImg: Tensor, savePath: string): void {
  const [pixels, side] = tidy(() => {
    const nrow = Math.ceil(labelImg.shape[0]! ** 0.5);
    const grid = makeGrid(labelImg.detach(), nrow).permute(1, 2, 0);
    const [h, w] = grid.shape as unknown as [number, number];
    if (h > w) throw new Error(`could not broadcast input array from shape (${h},${w},3) into shape (${w},${w},3)`);
    const square = h < w ? cat([grid.to(float64), zeros([w - h, w, 3], { dtype: float64 })], 0) : grid.to(float64);
    return [square.mul(255).clamp(0, 255).to(uint8).contiguous().toTypedArray() as Uint8Array, w] as const;
  });
  fs.writeFileSync(path.join(savePath, 'sprite.png'), encodePngBytes({ data: pixels, height: side, width: side, channels: 3 }));
}

/** tensors.tsv: one row a line, each value as Python's str() of its `.item()`. */
export function makeMat(mat: Tensor, savePath: string): void {
  const isFloat = mat.dtype.isFloatingPoint;
  const rows = mat.tolist() as unknown[][];
  const lines = rows.map((row) => `${row.map((v) => (isFloat ? pyFloat(v as number) : str(v))).join('\t')}\n`);
  fs.writeFileSync(path.join(savePath, 'tensors.tsv'), lines.join(''));
}

/** protobuf's text-format string escaping (CEscape, UTF-8 kept). */
function quote(s: string): string {
  const escaped = s.replace(/[\\"'\n\r\t\x00-\x1f\x7f]/g, (c) => {
    const named: Record<string, string> = { '\\': '\\\\', '"': '\\"', "'": "\\'", '\n': '\\n', '\r': '\\r', '\t': '\\t' };
    return named[c] ?? `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`;
  });
  return `"${escaped}"`;
}

/** ProjectorConfig in text format: its embeddings, fields in field-number order. */
export function projectorConfigText(embeddings: readonly EmbeddingInfo[]): string {
  let out = '';
  for (const e of embeddings) {
    out += `embeddings {\n  tensor_name: ${quote(e.tensorName)}\n`;
    if (e.metadataPath !== undefined) out += `  metadata_path: ${quote(e.metadataPath)}\n`;
    if (e.sprite !== undefined) {
      out += `  sprite {\n    image_path: ${quote(e.sprite.imagePath)}\n`;
      for (const d of e.sprite.singleImageDim) out += `    single_image_dim: ${d}\n`;
      out += '  }\n';
    }
    out += `  tensor_path: ${quote(e.tensorPath)}\n}\n`;
  }
  return out;
}
