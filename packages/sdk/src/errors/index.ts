export { SignetError, abortable, isSignetError, throwIfAborted } from './errors.js';
export type { SignetErrorCode, SignetErrorOptions } from './errors.js';
