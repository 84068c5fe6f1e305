'use strict';
// Jest's node environment, plus the well-known disposal symbols: Node 20 defines Symbol.dispose in
// its main realm only, so `using` inside jest's vm sandbox would not find it.
const { TestEnvironment } = require('jest-environment-node');

module.exports = class TorchnodeEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of ['dispose', 'asyncDispose']) {
      if (this.global.Symbol[name] === undefined && Symbol[name] !== undefined) {
        Object.defineProperty(this.global.Symbol, name, { value: Symbol[name] });
      }
    }
  }
};
