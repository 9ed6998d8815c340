// Tools' tests: the bench harness's and scripts' pure parts, end-to-end checks that run the apps as
// real processes (tools may depend on apps; libs and apps may not), and the check of the
// Nx graph (graph/), which reads every project's files, tests included: hence the test
// target's inputs in package.json are `^default`, not `^production`.
module.exports = {
  ...require('../jest.preset.js'),
  displayName: 'tools',
  testMatch: ['<rootDir>/**/src/**/*.test.ts', '<rootDir>/scripts/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
};
