#!/usr/bin/env node
'use strict';
// The `defi-realtime` command. In the workspace it runs the TypeScript source through
// tsx (no build step); a built package runs dist/main.js.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const source = join(__dirname, '..', 'src', 'main.ts');
if (existsSync(source) && canResolve('tsx')) {
  // What `node --import tsx` does: hooks for require() and import() of .ts files (the
  // keys command is imported lazily, and with it the database drivers).
  import('tsx').then(() => require(source));
} else {
  require(join(__dirname, '..', 'dist', 'main.js'));
}

function canResolve(id) {
  try {
    require.resolve(id);
    return true;
  } catch {
    return false;
  }
}
