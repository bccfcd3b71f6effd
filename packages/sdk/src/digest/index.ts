export { digestFile, digestBytes } from './file-digest.js';
export type { DigestFileOptions, DigestProgress, FileDigest } from './file-digest.js';
export { readFileInChunks } from './read-chunks.js';
