// The engine contract on a real Redis Cluster started from the installed redis-server
// (test/cluster/). Separate from jest.config.js because it needs those binaries:
//   npx jest -c jest.cluster.config.js
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'engine-cluster',
  testMatch: ['<rootDir>/test/cluster/**/*.cluster.ts'],
  testTimeout: 30_000,
};
