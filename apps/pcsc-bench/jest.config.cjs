module.exports = require('../../jest.config.base.cjs')(__dirname, { testTimeout: 120_000 });
