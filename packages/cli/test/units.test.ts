import { describe, expect, it } from 'vitest';
import type { SignetErrorCode } from '@signet/sdk';
import { checksumLine } from '../src/commands/digest.js';
import { EXIT, EXIT_CODES, EXIT_MEANINGS, exitCodeFor } from '../src/exit-codes.js';
import { table } from '../src/output.js';
import { createProgress, PROGRESS_THRESHOLD, render } from '../src/progress.js';
import { cmsDigestAlgorithm, decodeSignatureFile, detectFormat } from '../src/signature-file.js';
import { parseSubject } from '../src/subject.js';
import { Capture } from './helpers/cli.js';

describe('exit statuses', () => {
  it('are all documented', () => {
    expect(new Set(EXIT_MEANINGS.map(([code]) => code))).toEqual(EXIT_CODES);
  });

  it.each<[SignetErrorCode, string | undefined, number]>([
    ['INVALID_ARGUMENT', undefined, 2],
    ['UNSUPPORTED_ALGORITHM', undefined, 2],
    ['KEY_NOT_FOUND', undefined, 3],
    ['IO_ERROR', 'ENOENT', 3],
    ['IO_ERROR', 'EACCES', 4],
    ['BAD_PASSPHRASE', undefined, 4],
    ['PASSPHRASE_REQUIRED', undefined, 4],
    ['VERIFICATION_FAILED', undefined, 5],
    ['THROTTLED', undefined, 6],
    ['KEYSTORE_CORRUPT', undefined, 7],
    ['INVALID_SIGNATURE_ENCODING', undefined, 7],
    ['INTERNAL', undefined, 1],
  ])('maps %s (%s) to %i', (code, errno, exit) => {
    expect(exitCodeFor(code, errno)).toBe(exit);
  });

  it('has 0 for success', () => expect(EXIT.OK).toBe(0));
});

describe('the progress bar', () => {
  it('stays silent below the threshold or off a terminal', () => {
    const small = new Capture(true);
    const p = createProgress({ stream: small, total: PROGRESS_THRESHOLD - 1, label: 'hashing' });
    p.update(10);
    p.done();
    expect(small.text).toBe('');
    const pipe = new Capture(false);
    createProgress({ stream: pipe, total: PROGRESS_THRESHOLD * 2, label: 'hashing' }).update(1);
    expect(pipe.text).toBe('');
  });

  it('redraws at most every 100 ms and clears the line when done', () => {
    const stream = new Capture(true, 80);
    let now = 0;
    const p = createProgress({ stream, total: PROGRESS_THRESHOLD * 2, label: 'hashing', now: () => now });
    p.update(1);
    now = 50;
    p.update(2);
    now = 150;
    p.update(PROGRESS_THRESHOLD);
    p.done();
    p.done();
    const frames = stream.text.split('\r').filter(Boolean);
    expect(frames).toHaveLength(3);
    expect(frames[1]).toContain(' 50%');
    expect(frames[2]).toBe('\x1b[2K');
  });

  it('shows bytes, percent and speed within the terminal width', () => {
    const line = render('hashing', 512 * 2 ** 20, 2 ** 30, 2, 80);
    expect(line).toBe('hashing  [###############...............]   50%  512 MiB / 1.0 GiB  256 MiB/s');
    expect(line.length).toBeLessThan(80);
    expect(render('hashing', 1, 2 ** 30, 2, 30).length).toBeLessThan(30);
  });
});

describe('signature files', () => {
  const cms = Buffer.from('3080' + '06092a864886f70d010702', 'hex');
  const cmsLong = Buffer.from('308203e8' + '06092a864886f70d010702', 'hex');

  it('are CMS when they are a signedData ContentInfo, raw otherwise', () => {
    expect(detectFormat(cmsLong)).toBe('cms');
    expect(detectFormat(Buffer.from('30440220', 'hex'))).toBe('raw');
    expect(detectFormat(Buffer.alloc(384, 7))).toBe('raw');
    expect(detectFormat(new Uint8Array())).toBe('raw');
    expect(detectFormat(cms)).toBe('cms'); // BER indefinite length, as openssl streams it
  });

  it('are decoded from base64 text and PEM, and kept as they are when binary', () => {
    const bytes = Buffer.from([0x30, 0x82, 1, 2, 3, 0xff]);
    expect(Buffer.from(decodeSignatureFile(Buffer.from(`${bytes.toString('base64')}\n`)))).toEqual(bytes);
    const pem = `-----BEGIN PKCS7-----\n${bytes.toString('base64')}\n-----END PKCS7-----\n`;
    expect(Buffer.from(decodeSignatureFile(Buffer.from(pem)))).toEqual(bytes);
    expect(Buffer.from(decodeSignatureFile(bytes))).toEqual(bytes);
  });

  it('never throw on garbage when looking for the CMS digest algorithm', () => {
    for (const garbage of [Buffer.alloc(0), Buffer.from('30'), Buffer.from('3084ffffffff', 'hex'), cmsLong]) {
      expect(cmsDigestAlgorithm(garbage)).toBeUndefined();
    }
  });
});

describe('subjects', () => {
  it('parse CN, O, OU and C in any order, with escaped commas', () => {
    expect(parseSubject('CN=Example\\, Inc Release, O=Example, OU=Build, C=DE')).toEqual({
      commonName: 'Example, Inc Release',
      organization: 'Example',
      organizationalUnit: 'Build',
      country: 'DE',
    });
    expect(parseSubject('Plain Name')).toEqual({ commonName: 'Plain Name' });
  });

  it.each(['O=Example', 'CN=a, ST=b', 'CN=a, CN=b', 'CN=a,'])('refuse %j', (text) => {
    expect(() => parseSubject(text)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

describe('text layout', () => {
  it('aligns columns and never pads the last one', () => {
    expect(
      table([
        ['URI', 'TYPE'],
        ['soft://a', 'ec-p256'],
      ]),
    ).toBe('URI       TYPE\nsoft://a  ec-p256');
  });

  it('writes checksum lines like coreutils', () => {
    expect(checksumLine('ab', 'x y')).toBe('ab  x y');
    expect(checksumLine('ab', 'a\\b\nc')).toBe('\\ab  a\\\\b\\nc');
  });
});
