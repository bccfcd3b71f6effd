/**
 * `@signet/sdk`: the light core. Algorithms, digests, the key provider interface and registry,
 * and errors. Heavier pieces live behind subpaths: `@signet/sdk/soft` (software keys),
 * `@signet/sdk/x509`, `@signet/sdk/formats/raw`, `@signet/sdk/formats/cms`, `@signet/sdk/formats/pgp`.
 *
 * @packageDocumentation
 */
export * from './errors/index.js';
export * from './algorithms/index.js';
export * from './digest/index.js';
export * from './provider/index.js';
