// Tools' unit tests (the bench harness's pure parts). The harness itself is run, not tested.
module.exports = { ...require('../jest.preset.js'), displayName: 'tools', testMatch: ['<rootDir>/**/src/**/*.test.ts'] };
