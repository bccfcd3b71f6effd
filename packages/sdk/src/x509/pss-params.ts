import * as pkijs from 'pkijs';
import { HASHES, type HashAlgorithm } from '../algorithms/algorithms.js';
import { OID_MGF1 } from './algorithm-oids.js';
import { digestAlgorithmIdentifier, hashFromIdentifier, unsupportedAlgorithm } from './digest-identifier.js';

/*
 * RSASSA-PSS-params (RFC 4055 §3.1). Signet signs one profile: hash H, MGF1 with H, salt length =
 * digest length, trailer field 1. The DEFAULTs (SHA-1, salt 20) are never what we mean, so the
 * hash, the mask generator and the salt length are always written out.
 */

/** The DER parameters of RSASSA-PSS with `hash`. */
export function pssParameters(hash: HashAlgorithm): pkijs.RSASSAPSSParams {
  // RFC 4055 writes the hash identifiers inside PSS params with NULL parameters.
  const hashId = () => digestAlgorithmIdentifier(hash, { nullParameters: true });
  return new pkijs.RSASSAPSSParams({
    hashAlgorithm: hashId(),
    maskGenAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID_MGF1, algorithmParams: hashId().toSchema() }),
    saltLength: HASHES[hash].length,
  });
}

/**
 * Reads the hash of RSASSA-PSS parameters and checks that they are Signet's profile.
 *
 * @throws SignetError `UNSUPPORTED_ALGORITHM` for absent parameters (SHA-1 defaults), another mask
 * generator, a mask hash other than the signature hash, another salt length or trailer field.
 */
export function readPssHash(algorithmParams: unknown): HashAlgorithm {
  if (algorithmParams === undefined) throw unsupportedAlgorithm('RSASSA-PSS with default (SHA-1) parameters');
  let params: pkijs.RSASSAPSSParams;
  let mgfHash: pkijs.AlgorithmIdentifier;
  try {
    params = new pkijs.RSASSAPSSParams({ schema: algorithmParams });
    mgfHash = new pkijs.AlgorithmIdentifier({ schema: params.maskGenAlgorithm.algorithmParams });
  } catch {
    throw unsupportedAlgorithm('RSASSA-PSS with malformed parameters');
  }
  const hash = hashFromIdentifier(params.hashAlgorithm);
  if (params.maskGenAlgorithm.algorithmId !== OID_MGF1 || hashFromIdentifier(mgfHash) !== hash) {
    throw unsupportedAlgorithm(`RSASSA-PSS with ${hash} and a different mask generation function`);
  }
  if (params.saltLength !== HASHES[hash].length || params.trailerField !== 1) {
    throw unsupportedAlgorithm(`RSASSA-PSS with ${hash} and a ${params.saltLength}-byte salt`);
  }
  return hash;
}
