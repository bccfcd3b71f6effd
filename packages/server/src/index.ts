export { openDatabase } from './store/database.js';
export type { Database, Dialect, OpenDatabaseOptions } from './store/database.js';
