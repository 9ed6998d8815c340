module.exports = { ...require('../../jest.preset.js'), displayName: 'alert-engine' };
