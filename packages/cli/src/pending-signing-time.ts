import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/*
 * A CMS signature's signed attributes hold its signing time, so signing the same file twice asks
 * the key to sign different bytes. With a server whose policy wants approvals, that makes every
 * run a new request, and the approvals given to the last one never apply. So the signing time of
 * a request that waits for approval is kept in `$SIGNET_HOME/pending`, and the next run for the
 * same key, algorithm and digests uses it again: it asks for exactly the bytes that were approved.
 */

/** The signing time to use for one request, and what to do with it once the server has answered. */
export interface PendingSigningTime {
  /** The kept time when this request waits for approval, else now (whole seconds). */
  readonly signingTime: Date;
  /** Keeps `signingTime` for the next run: the server answered that the request waits for approval. */
  remember(): Promise<void>;
  /** Drops the kept time: the request was signed. */
  forget(): Promise<void>;
}

export interface SigningRequestFacts {
  key: string;
  algorithm: string;
  /** The digests to sign, in order. */
  digests: readonly Uint8Array[];
}

/** The signing time for a CMS request through a server, from `home`/pending when one waits for approval. */
export async function pendingSigningTime(home: string, request: SigningRequestFacts): Promise<PendingSigningTime> {
  const id = createHash('sha256')
    .update(
      JSON.stringify([request.key, request.algorithm, request.digests.map((d) => Buffer.from(d).toString('hex'))]),
    )
    .digest('hex');
  const file = join(home, 'pending', `${id}.json`);
  const kept = await readFile(file, 'utf8').then(
    (text) => new Date((JSON.parse(text) as { signingTime?: string }).signingTime ?? NaN),
    () => undefined,
  );
  const signingTime = kept && Number.isFinite(kept.getTime()) ? kept : new Date(Math.floor(Date.now() / 1000) * 1000);
  return {
    signingTime,
    async remember() {
      await mkdir(join(home, 'pending'), { recursive: true, mode: 0o700 });
      await writeFile(file, `${JSON.stringify({ key: request.key, algorithm: request.algorithm, signingTime })}\n`, {
        mode: 0o600,
      });
    },
    forget: () => rm(file, { force: true }),
  };
}
