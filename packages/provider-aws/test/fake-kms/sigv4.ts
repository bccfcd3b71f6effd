import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { KmsFault } from './kms-fault.js';

/** A principal the fake knows: an access key id, its secret, and a session token if it has one. */
export interface FakeCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

const AUTH =
  /^AWS4-HMAC-SHA256 Credential=([^/\s]+)\/(\d{8})\/([^/\s]+)\/([^/\s]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;
const SKEW_MS = 15 * 60_000;

/**
 * Verifies an AWS Signature Version 4 request signature the way KMS does: the credential scope
 * (date, region, `kms`), the signed headers (host and x-amz-date among them), the payload hash, a
 * clock skew of at most 15 minutes, and the HMAC chain over the canonical request. Throws the
 * error KMS would answer.
 */
export function verifySigV4(
  request: { method: string; path: string; headers: IncomingHttpHeaders; body: Buffer },
  principals: readonly FakeCredentials[],
  region: string,
  now = Date.now(),
): FakeCredentials {
  const authorization = header(request.headers, 'authorization');
  if (!authorization) throw new KmsFault('MissingAuthenticationTokenException', 'Missing Authentication Token');
  const match = AUTH.exec(authorization);
  if (!match) throw new KmsFault('IncompleteSignatureException', `Authorization header requires valid SigV4 fields`);
  const [, accessKeyId, date, scopeRegion, service, signedHeaderList, signature] = match as unknown as string[];
  const principal = principals.find((p) => p.accessKeyId === accessKeyId);
  if (!principal)
    throw new KmsFault('UnrecognizedClientException', 'The security token included in the request is invalid.');
  if (
    principal.sessionToken !== undefined &&
    header(request.headers, 'x-amz-security-token') !== principal.sessionToken
  ) {
    throw new KmsFault('UnrecognizedClientException', 'The security token included in the request is invalid.');
  }
  if (service !== 'kms')
    throw new KmsFault('InvalidSignatureException', `Credential should be scoped to correct service: 'kms'.`);
  if (scopeRegion !== region) {
    throw new KmsFault(
      'InvalidSignatureException',
      `Credential should be scoped to a valid region, not '${scopeRegion}'.`,
    );
  }
  const amzDate = header(request.headers, 'x-amz-date') ?? '';
  const signedAt = Date.parse(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
  if (!amzDate.startsWith(date!) || Number.isNaN(signedAt)) {
    throw new KmsFault('IncompleteSignatureException', 'X-Amz-Date must be set and agree with the credential scope');
  }
  if (Math.abs(now - signedAt) > SKEW_MS) throw new KmsFault('InvalidSignatureException', 'Signature expired');
  const signedHeaders = signedHeaderList!.split(';');
  if (!signedHeaders.includes('host') || !signedHeaders.includes('x-amz-date')) {
    throw new KmsFault('IncompleteSignatureException', 'The host and x-amz-date headers must be signed');
  }

  const payloadHash = createHash('sha256').update(request.body).digest('hex');
  const claimed = header(request.headers, 'x-amz-content-sha256');
  if (claimed !== undefined && claimed !== payloadHash) {
    throw new KmsFault('InvalidSignatureException', 'The provided x-amz-content-sha256 does not match the payload');
  }
  const canonicalHeaders = signedHeaders.map((name) => `${name}:${canonicalValue(request.headers, name)}\n`).join('');
  const canonicalRequest = [request.method, request.path, '', canonicalHeaders, signedHeaderList, payloadHash].join(
    '\n',
  );
  const scope = `${date}/${scopeRegion}/${service}/aws4_request`;
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    amzDate,
    scope,
    createHash('sha256').update(canonicalRequest).digest('hex'),
  ].join('\n');
  let key: Buffer = hmac(`AWS4${principal.secretAccessKey}`, date!);
  for (const part of [scopeRegion!, service!, 'aws4_request']) key = hmac(key, part);
  const expected = hmac(key, stringToSign);
  if (!timingSafeEqual(expected, Buffer.from(signature!, 'hex'))) {
    throw new KmsFault(
      'InvalidSignatureException',
      'The request signature we calculated does not match the signature you provided.',
    );
  }
  return principal;
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function canonicalValue(headers: IncomingHttpHeaders, name: string): string {
  return (header(headers, name) ?? '').trim().replace(/\s+/g, ' ');
}
