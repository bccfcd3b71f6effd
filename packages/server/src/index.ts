/**
 * `@signet/server`: the reference signing server. `createSignetServer(config, env)` builds it;
 * `createApp(services)` is the HTTP layer alone (for tests and custom hosting).
 *
 * @packageDocumentation
 */
export { createSignetServer } from './server.js';
export type { SignetServer } from './server.js';
export { loadConfig } from './config/load.js';
export { serverConfigSchema } from './config/schema.js';
export type { ServerConfig } from './config/schema.js';
export { createApp } from './api/app.js';
export type { Services, AppEnv } from './api/services.js';
export { openDatabase } from './store/database.js';
export type { Database, Dialect, OpenDatabaseOptions } from './store/database.js';
