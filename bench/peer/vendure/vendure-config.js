// Vendure as a peer for Encore's benchmark: the core alone (no admin UI, no e-mail, no asset server, no search
// plugin), PostgreSQL from the environment, the built-in dummy payment handler. See bench/README.md.
const { DefaultCachePlugin, DefaultJobQueuePlugin, DefaultLogger, LogLevel, dummyPaymentHandler } = require('@vendure/core');

const env = (name, fallback) => process.env[name] ?? fallback;

// VENDURE_INSTANCES > 1 runs that many server processes (server.js, Node's cluster module). Vendure's
// horizontal-scaling guide then asks for state shared through the database: the job queue
// (DefaultJobQueuePlugin) and the cache that also holds sessions (DefaultCachePlugin). One process needs neither.
const instances = Number(env('VENDURE_INSTANCES', '1'));

/** @type {import('@vendure/core').VendureConfig} */
const config = {
  apiOptions: {
    hostname: '127.0.0.1',
    port: Number(env('VENDURE_PORT', '3099')),
    adminApiPath: 'admin-api',
    shopApiPath: 'shop-api',
    adminApiPlayground: false,
    shopApiPlayground: false,
    introspection: false,
  },
  authOptions: {
    // Bearer only: the bench sends back the token of the vendure-auth-token header, a fresh session per checkout.
    tokenMethod: 'bearer',
    superadminCredentials: { identifier: 'superadmin', password: env('VENDURE_SUPERADMIN_PASSWORD', 'bench-only-password') },
  },
  dbConnectionOptions: {
    type: 'postgres',
    host: env('VENDURE_DB_HOST', 'localhost'),
    port: Number(env('VENDURE_DB_PORT', '5432')),
    username: env('VENDURE_DB_USER', 'encore'),
    password: env('VENDURE_DB_PASSWORD', 'encore'),
    database: env('VENDURE_DB_NAME', 'vendure_bench'),
    // A fresh database per run: the schema is created from the entities (Vendure's docs allow synchronize
    // for a new database; migrations are for evolving an existing one).
    synchronize: env('VENDURE_DB_SYNCHRONIZE', 'false') === 'true',
    logging: false,
  },
  paymentOptions: { paymentMethodHandlers: [dummyPaymentHandler] },
  logger: new DefaultLogger({ level: LogLevel[env('VENDURE_LOG_LEVEL', 'Warn')] }),
  plugins: instances > 1 ? [DefaultJobQueuePlugin.init({}), DefaultCachePlugin.init({})] : [],
};

module.exports = { config, instances };
