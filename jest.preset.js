// Shared Jest settings: every project's jest.config.js spreads this.
// @swc/jest strips types only (fast); `npm run typecheck` is where types are checked.
const swc = [
  '@swc/jest',
  {
    jsc: { target: 'es2022', parser: { syntax: 'typescript' } },
    module: { type: 'commonjs' },
  },
];

const ESM_ONLY = ['jose', 'cookie'];

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
  transform: {
    '^.+\\.ts$': swc,
    // Packages that ship only ES modules, which Jest on Node 20 cannot require (Node
    // itself can): jose 6 and cookie 2 (fastify's inject): compile them too.
    [`/node_modules/(${ESM_ONLY.join('|')})/.+\\.js$`]: swc,
  },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_ONLY.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'json'],
  // Short, so that a hung test fails soon; a test that starts an app or a process says so
  // with its own budget (START_TEST_TIMEOUT_MS in @defi-realtime/runtime/testing).
  testTimeout: 20_000,
  // A run that leaked a handle fails after a grace period instead of hanging (see the file).
  globalTeardown: require.resolve('./jest.exit-guard.js'),
};
