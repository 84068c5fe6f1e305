'use strict';
// Lets a plain `node` child process require the TypeScript sources (lib/, test/opinfo/) the way
// jest's ts-jest does. Used by test/replay.ts, which replays OpInfo/ModuleInfo cases in child
// processes so that a crash in the addon costs one entry, not the suite. The loader is the one
// DataLoader workers use from the sources (transpile only, with a cache shared by every child).
require('../../lib/utils/data/_ts_hook.js');
