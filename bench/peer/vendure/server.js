// Starts Vendure's server (the Shop and Admin GraphQL APIs). No worker: the checkout enqueues no jobs
// (see bench/README.md).
const { bootstrap } = require('@vendure/core');
const { config } = require('./vendure-config');

bootstrap(config).catch(err => {
  console.error(err);
  process.exit(1);
});
