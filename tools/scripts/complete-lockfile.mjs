#!/usr/bin/env node
/*
 * Adds the lock entries npm leaves out for other platforms' native binaries.
 *
 * The npm registry mirror these machines use serves only the linux-x64 builds of some
 * packages (@swc/core, rollup, @unrs/resolver-binding). npm 11 then writes a lock
 * without the other platforms' optional packages, and `npm ci` refuses it ("Missing:
 * @swc/core-darwin-arm64@ from lock file"). Each missing package gets an entry with its
 * version and the os/cpu/libc its name states; npm skips such an entry on a platform
 * that does not match, so it is never fetched here, and a machine that does match
 * fetches it by version.
 *
 *   node tools/scripts/complete-lockfile.mjs          fix package-lock.json in place
 *   node tools/scripts/complete-lockfile.mjs --check  exit 1 when an entry is missing
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

const OS = [
  'aix',
  'android',
  'darwin',
  'freebsd',
  'linux',
  'netbsd',
  'openbsd',
  'openharmony',
  'sunos',
  'win32',
  'wasi',
];
const CPU = ['arm64', 'arm', 'ia32', 'loong64', 'mips64el', 'ppc64', 'riscv64', 's390x', 'x64', 'wasm32'];

const file = resolve(import.meta.dirname, '../../package-lock.json');
const lock = JSON.parse(readFileSync(file, 'utf8'));
const packages = lock.packages;
const added = [];
const unknown = [];

for (const [path, entry] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    if (isInstalledFor(path, name)) continue;
    const platform = platformOf(name);
    if (!platform) {
      unknown.push(`${name}@${version} (optional dependency of ${path || 'the root'})`);
      continue;
    }
    packages[`node_modules/${name}`] = {
      version,
      ...(entry.dev ? { dev: true } : {}),
      optional: true,
      ...platform,
    };
    added.push(`${name}@${version}`);
  }
}

if (unknown.length) {
  console.error(`Cannot tell the platform of:\n  ${unknown.join('\n  ')}`);
  process.exit(2);
}
if (process.argv.includes('--check')) {
  if (added.length) {
    console.error(
      `package-lock.json lacks ${added.length} platform entries (e.g. ${added[0]}); run: node tools/scripts/complete-lockfile.mjs`,
    );
    process.exit(1);
  }
  console.log('package-lock.json: every optional platform package has an entry');
} else {
  lock.packages = Object.fromEntries(
    Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : 1)),
  );
  writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
  console.log(added.length ? `added ${added.length} entries: ${added.join(', ')}` : 'nothing to add');
}

/** npm resolves `name` from `path` by walking up node_modules folders. */
function isInstalledFor(path, name) {
  let dir = path;
  for (;;) {
    if (packages[`${dir ? `${dir}/` : ''}node_modules/${name}`]) return true;
    if (!dir) return false;
    const up = dir.lastIndexOf('/node_modules/');
    dir = up === -1 ? '' : dir.slice(0, up);
  }
}

/** `@swc/core-linux-x64-musl` -> {os: ['linux'], cpu: ['x64'], libc: ['musl']}. */
function platformOf(name) {
  const tokens = name.split('/').pop().split('-');
  const os = tokens.find((t) => OS.includes(t));
  const cpu = tokens.find((t) => CPU.includes(t));
  if (!os || !cpu) return undefined;
  const libc = tokens.some((t) => t.startsWith('musl'))
    ? 'musl'
    : tokens.some((t) => t.startsWith('gnu')) && os === 'linux'
      ? 'glibc'
      : undefined;
  return { os: [os], cpu: [cpu], ...(libc ? { libc: [libc] } : {}) };
}
