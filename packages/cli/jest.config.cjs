// tests leave no GT cache in the home folder (the cache has its own tests, with a temp folder)
process.env.TUBEKIT_GT_CACHE ??= 'off';
module.exports = require('../../jest.config.base.cjs')(__dirname);
