// Tools' tests: the bench harness's and scripts' pure parts, and end-to-end checks that run the apps
// as real processes (tools may depend on apps; libs and apps may not).
module.exports = { ...require('../jest.preset.js'), displayName: 'tools', testMatch: ['<rootDir>/**/src/**/*.test.ts', '<rootDir>/scripts/**/*.test.ts'], testPathIgnorePatterns: ['/node_modules/'] };
