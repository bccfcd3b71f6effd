import { bundleFromJSON } from '@sigstore/bundle';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';

type TrustedRoot = Parameters<typeof toTrustMaterial>[0];
type PublicKeys = Exclude<Parameters<typeof toTrustMaterial>[1], undefined | ((hint: string) => unknown)>;

/**
 * Sigstore's own verifier, trusting only `spki` under `hint`: no CA, no transparency log, no
 * timestamp authority, so every threshold is 0. Throws sigstore's VerificationError when refused.
 */
export function sigstoreVerify(bundle: unknown, hint: string, spki: Uint8Array): void {
  const root = { mediaType: '', tlogs: [], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [] };
  const keys = { [hint]: { rawBytes: Buffer.from(spki), keyDetails: 0 } } as unknown as PublicKeys;
  const trust = toTrustMaterial(root as unknown as TrustedRoot, keys);
  const verifier = new Verifier(trust, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 });
  verifier.verify(toSignedEntity(bundleFromJSON(bundle)));
}
