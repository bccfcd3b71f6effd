export {
  HASHES,
  CURVES,
  KEY_SPECS,
  listAlgorithms,
  getAlgorithm,
  curveOf,
  isKeySpec,
  algorithmsForKeySpec,
  assertDigestLength,
  assertAlgorithmFitsKey,
  digestInfo,
} from './algorithms.js';
export type { HashAlgorithm, NamedCurve, KeySpec, SignatureAlgorithmId, SignatureAlgorithm } from './algorithms.js';
export { ecdsaDerToRaw, ecdsaRawToDer } from './ecdsa-encoding.js';
export { emsaPssEncode, emsaPssVerify } from './emsa-pss.js';
