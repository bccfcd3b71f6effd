import { isSignetError, type KeyInfo } from '@signet/sdk';
import type { Context } from '../context.js';
import { certificateLine, certificatesOf } from '../describe.js';
import type { ExitCode } from '../exit-codes.js';
import { describeError, table, type Result } from '../output.js';

/** A provider whose keys are missing from the list, as `--json` shows it. */
interface ProviderFailure {
  scheme: string;
  /** The package or module file serving the scheme. */
  provider: string;
  error: { code: string; message: string };
}

/**
 * `signet keys list`: the keys of every provider (the software store when it exists, then those
 * config.yaml names), or of the server. A provider that fails (an unreachable KMS, a token that is
 * not plugged in) does not hide the others: its error is reported and the exit status is its
 * own, but the keys of the rest are listed. When every provider fails, that is the error.
 */
export async function listKeys(ctx: Context): Promise<Result> {
  const { keys, failures, exit } = ctx.remote ? { keys: await ctx.remote.listKeys(), failures: [] } : await local(ctx);
  const json = {
    keys: keys.map((key) => {
      const certificate = certificatesOf(key)[0];
      return {
        uri: key.uri,
        type: key.spec,
        algorithms: key.algorithms,
        certificate: certificate ? { subject: certificate.subject, notAfter: certificate.notAfter } : null,
      };
    }),
    failures,
  };
  if (keys.length === 0) {
    const where = failures.length > 0 ? 'the providers that answered' : ctx.keystore;
    return { json, text: `No keys in ${where}. Create one: signet keys create NAME`, ...(exit ? { exit } : {}) };
  }
  const text = table([
    ['URI', 'TYPE', 'ALGORITHM', 'CERTIFICATE'],
    ...keys.map((key) => {
      const certificate = certificatesOf(key)[0];
      return [
        key.uri,
        key.spec,
        key.algorithms.length > 1 ? `${key.algorithms[0]} (+${key.algorithms.length - 1})` : key.algorithms[0]!,
        certificate ? certificateLine(certificate) : '-',
      ];
    }),
  ]);
  return { json, text, ...(exit ? { exit } : {}) };
}

async function local(ctx: Context): Promise<{ keys: KeyInfo[]; failures: ProviderFailure[]; exit?: ExitCode }> {
  const { registry, sources } = await ctx.providers();
  // No key store yet: no soft keys, and no secret asked for.
  const listed = (await ctx.keyStoreExists()) ? sources : sources.filter((s) => s.scheme !== 'soft');
  const results = await Promise.allSettled(
    listed.map(async ({ scheme }) => (await registry.providerFor(`${scheme}:`)).listKeys({ signal: ctx.signal })),
  );
  const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  const interrupted = errors.find((e) => isSignetError(e, 'ABORTED'));
  if (interrupted !== undefined) throw interrupted;
  if (errors.length > 0 && errors.length === listed.length) throw errors[0];

  const keys: KeyInfo[] = [];
  const failures: ProviderFailure[] = [];
  let exit: ExitCode | undefined;
  for (const [i, result] of results.entries()) {
    const { scheme, use } = listed[i]!;
    if (result.status === 'fulfilled') {
      keys.push(...result.value);
      continue;
    }
    const status = ctx.out.report(`${scheme} keys (${use}) not listed`, result.reason);
    exit ??= status;
    const { code, message } = describeError(result.reason);
    failures.push({ scheme, provider: use, error: { code, message } });
  }
  return { keys, failures, ...(exit ? { exit } : {}) };
}
