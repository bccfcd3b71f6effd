export { createDbJobQueue } from './db-job-queue.js';
export type { DbJobQueue, DbJobQueueOptions } from './db-job-queue.js';
