// Starts Vendure's server (the Shop and Admin GraphQL APIs). No worker: the checkout enqueues no jobs
// (see bench/README.md). With VENDURE_INSTANCES=N (default 1), N server processes share the port through
// Node's cluster module, Vendure's horizontal scaling on one machine.
const cluster = require('node:cluster');
const { bootstrap } = require('@vendure/core');
const { config, instances } = require('./vendure-config');

if (instances > 1 && cluster.isPrimary) {
  for (let i = 0; i < instances; i++) cluster.fork();
  let listening = 0;
  cluster.on('listening', () => ++listening === instances && console.log(`All ${instances} Vendure processes listening`));
  let stopping = false;
  cluster.on('exit', worker => {
    if (!stopping) {
      console.error(`Vendure process ${worker.process.pid} exited`);
      process.exit(1);
    }
  });
  const stop = () => {
    stopping = true;
    for (const worker of Object.values(cluster.workers)) worker.process.kill('SIGTERM');
    setTimeout(() => process.exit(0), 2000).unref();
    cluster.on('exit', () => Object.keys(cluster.workers).length === 0 && process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
} else {
  bootstrap(config).catch(err => {
    console.error(err);
    process.exit(1);
  });
}
