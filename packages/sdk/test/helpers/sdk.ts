export * from '../../src/index.js';
import { toPem } from '../../src/x509/pem.js';

export function toPemSpki(spki: Uint8Array): string {
  return toPem('PUBLIC KEY', spki);
}
