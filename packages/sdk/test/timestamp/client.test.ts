import { beforeAll, describe, expect, it } from 'vitest';
import { createTimestampClient } from '../../src/timestamp/index.js';
import { isSignetError } from '../helpers/sdk.js';
import { createTsaFixture, listen, listenTsa, refusingUrl, type TsaFixture } from './fixture.js';

const data = new TextEncoder().encode('a signature value');
const codeOf = (e: unknown) => (isSignetError(e) ? e.code : String(e));

/** The client against TSAs on loopback: ours (issueTimestamp behind node:http) and broken ones. */
describe('a timestamp client', () => {
  let tsa: TsaFixture;
  let good: { url: string; requests: () => number };
  let refusing: string;

  beforeAll(async () => {
    tsa = await createTsaFixture();
    good = await listenTsa(tsa);
    refusing = await refusingUrl();
  });

  /** A URL answering `status` (with an empty body), counting its requests. */
  async function answering(status: number, body: Uint8Array = new Uint8Array()) {
    let requests = 0;
    const url = await listen((req, res) => {
      requests++;
      expect(req.headers['content-type']).toBe('application/timestamp-query');
      res.writeHead(status, { 'content-type': 'application/timestamp-reply' });
      res.end(body);
    });
    return { url, requests: () => requests };
  }

  it('gets a verified timestamp from the first URL that works', async () => {
    const client = createTimestampClient({ urls: [good.url], trustedCertificates: [tsa.certificate] });
    const timestamp = await client.timestamp({ data });
    expect(timestamp).toMatchObject({ url: good.url, trusted: true, hash: 'sha256' });
    expect(timestamp.token.length).toBeGreaterThan(300);
  });

  it('fails over from a URL that refuses connections and one that answers 503, retrying each once', async () => {
    const unavailable = await answering(503);
    const before = good.requests();
    const client = createTimestampClient({ urls: [refusing, unavailable.url, good.url], retryDelayMs: 1 });
    const timestamp = await client.timestamp({ data, hash: 'sha512' });
    expect(timestamp).toMatchObject({ url: good.url, hash: 'sha512' });
    expect(unavailable.requests()).toBe(2);
    expect(good.requests()).toBe(before + 1);
  });

  it('moves on at once from a reply that is not a TimeStampResp, and from a refusal', async () => {
    const garbage = await answering(200, new Uint8Array([1, 2, 3]));
    const strict = await listenTsa(tsa, { hashes: ['sha384'] });
    const client = createTimestampClient({ urls: [garbage.url, strict.url, good.url], retries: 3 });
    expect((await client.timestamp({ data })).url).toBe(good.url);
    expect(garbage.requests()).toBe(1);
    expect(strict.requests()).toBe(1);
  });

  it('throws the last failure with every URL’s failure in its details when none works', async () => {
    const throttling = await answering(429);
    const client = createTimestampClient({ urls: [refusing, throttling.url], retries: 0 });
    const error: unknown = await client.timestamp({ data }).catch((e: unknown) => e);
    expect(codeOf(error)).toBe('THROTTLED');
    const attempts = (error as { details: { attempts: Array<{ url: string; code: string }> } }).details.attempts;
    expect(attempts.map((a) => a.code)).toEqual(['UNAVAILABLE', 'THROTTLED']);
  });

  it('reports a TSA that refuses the request with the refusal’s code', async () => {
    const strict = await listenTsa(tsa, { hashes: ['sha384'] });
    const client = createTimestampClient({ urls: [strict.url] });
    await expect(client.timestamp({ data })).rejects.toSatisfy((e) => codeOf(e) === 'UNSUPPORTED_ALGORITHM');
  });

  it('gives up on a TSA that does not answer in time', async () => {
    const silent = await listen(() => undefined);
    const client = createTimestampClient({ urls: [silent, good.url], timeoutMs: 200, retries: 0 });
    expect((await client.timestamp({ data })).url).toBe(good.url);
  });

  it('stops at once when the caller aborts', async () => {
    const silent = await listen(() => undefined);
    const client = createTimestampClient({ urls: [silent, good.url] });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await expect(client.timestamp({ data }, { signal: controller.signal })).rejects.toSatisfy(
      (e) => codeOf(e) === 'ABORTED',
    );
  });

  it('refuses URLs that are not http(s), and digests of the wrong length', async () => {
    expect(() => createTimestampClient({ urls: [] })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => createTimestampClient({ urls: ['file:///etc/passwd'] })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    const client = createTimestampClient({ urls: [good.url] });
    await expect(client.timestamp({ digest: new Uint8Array(31), hash: 'sha256' })).rejects.toSatisfy(
      (e) => codeOf(e) === 'DIGEST_LENGTH_MISMATCH',
    );
  });
});
