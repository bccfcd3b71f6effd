import type { KeyInfo } from '@signet/sdk';
import type { JobStatus, SigningResult } from '@signet/sdk/signing';
import { toPem } from '@signet/sdk/x509';

/** Bytes and dates as JSON carries them: digests hex, signatures and DER base64, dates ISO. */
export const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

export function keyView(key: KeyInfo) {
  return {
    uri: key.uri,
    name: key.name,
    spec: key.spec,
    algorithms: [...key.algorithms],
    publicKey: toPem('PUBLIC KEY', key.publicKey),
    certificates: key.certificates.map((c) => toPem('CERTIFICATE', c)),
    ...(key.createdAt ? { createdAt: key.createdAt.toISOString() } : {}),
  };
}

export function resultView(result: SigningResult) {
  return {
    requestId: result.requestId,
    key: result.key,
    algorithm: result.algorithm,
    signatures: result.signatures.map((s) => ({
      digest: s.digest,
      signature: b64(s.signature),
      auditIndex: s.auditIndex,
    })),
    certificates: result.certificates.map(b64),
    rule: result.rule,
    policyVersion: result.policyVersion,
  };
}

export function jobView(job: JobStatus) {
  return {
    id: job.id,
    state: job.state,
    requester: job.requester,
    ...(job.requestId ? { requestId: job.requestId } : {}),
    createdAt: job.createdAt.toISOString(),
    updatedAt: job.updatedAt.toISOString(),
    ...(job.error ? { error: job.error } : {}),
  };
}
