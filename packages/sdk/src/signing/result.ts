import type { SignatureAlgorithmId } from '../algorithms/algorithms.js';

/** One signature of a request, with where it stands in the audit log. */
export interface SignedItem {
  /** The digest that was signed, hex. */
  readonly digest: string;
  readonly signature: Uint8Array;
  /** Index of its `signature` event in the audit log: proof that it was recorded. */
  readonly auditIndex: number;
}

/** What a successful request returns. */
export interface SigningResult {
  /** `requestFingerprint(request)`. */
  readonly requestId: string;
  readonly key: string;
  readonly algorithm: SignatureAlgorithmId;
  readonly signatures: readonly SignedItem[];
  /** The key's certificate chain (DER, its own first), for formats that embed it. */
  readonly certificates: readonly Uint8Array[];
  /** The rule that allowed the request, and the policy revision it belongs to. */
  readonly rule: string;
  readonly policyVersion: string;
}
