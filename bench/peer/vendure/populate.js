// Creates the schema on a fresh database and seeds it (initial-data.js, products.csv). Run once per database.
const path = require('path');
const { bootstrap } = require('@vendure/core');
const { populate } = require('@vendure/core/cli');
const { config } = require('./vendure-config');

const populateConfig = {
  ...config,
  apiOptions: { ...config.apiOptions, port: config.apiOptions.port + 1 },
  dbConnectionOptions: { ...config.dbConnectionOptions, synchronize: true },
  importExportOptions: { importAssetsDir: path.join(__dirname, 'assets') },
};

populate(
  // The server app, not the worker: with no plugins the worker's module does not hold the Populator.
  () => bootstrap(populateConfig),
  require('./initial-data'),
  path.join(__dirname, 'products.csv'),
)
  .then(app => app.close())
  .then(() => process.exit(0))
  .catch(err => {
    console.error(err);
    process.exit(1);
  });
