/**
 * @parley/server: what code outside the server package (tests, benchmarks, the docs build) may
 * use. Everything else under src/ is the server's own and may move without notice; a new need
 * from outside is exported here, on purpose, rather than reached by a relative path.
 */

// --- Run a server: configuration from PARLEY_* variables, then the whole platform in-process.
export { loadConfig, VARIABLES, type Config, type Variable } from './config/index.ts';
// README's and the docs portal's table of every PARLEY_* variable, from the one variable table.
export { configTable } from './config/configTable.ts';
export { startServer, type RunningServer } from './server.ts';
// The V8 settings startServer applies, for benchmarks that run the server's parts without it.
export { tuneProcess } from './processTuning.ts';

// --- Projects and accounts, as the first start and the CLI create them.
export { PLAN_RATE_LIMITS, type CreatedProject, type Plan } from './projects/service.ts';

// --- Stores: the embedded SQLite or PostgreSQL store, its migrations, and S3-compatible blobs.
export { openStore, type Store } from './store/database.ts';
export { migrateToLatest } from './store/migrate.ts';
export { S3BlobStore } from './blob/s3BlobStore.ts';

// --- Web surfaces the docs build and its tests serve the way the server does.
export { DOCS_BUILD_DIR, registerDocs } from './web/docs.ts';
export { CONSOLE_BUILD_DIR, registerConsolePages } from './web/console.ts';
export { sdkBundleVersion } from './web/assets.ts';
export { installHtmlSecurity } from './http/htmlSecurity.ts';
export { installErrorHandler } from './http/errors.ts';
export { compileValidator } from './http/validation.ts';
export { isAgoraPath } from './compat/agora/gateway.ts';
export { registeredRoutes, type RegisteredRoute } from './http/openapi.ts';

// --- Seams tests and benchmarks drive directly (no stability promise beyond this repository).
export type { EventBus } from './events/bus.ts';
export { WebhookOutbox } from './webhooks/outbox.ts';
export { announce } from './recording/transitions.ts';
export { completeLocalDescription, createPeer } from './rtc/peerFactory.ts';
export { HEARTBEAT_INTERVAL_MS, HEARTBEAT_TTL_MS } from './cluster/index.ts';
