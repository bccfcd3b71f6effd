import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { SignetError, type ProviderEntry } from '@signet/sdk';
import { ioError } from '../files.js';
import { parse as parseYaml, YAMLParseError } from 'yaml';

/** `$SIGNET_HOME/config.yaml` (or `SIGNET_CONFIG`): what the CLI reads besides the environment. */
export interface CliConfig {
  /** The file read; undefined when there is none. Relative provider paths resolve from its folder. */
  readonly file: string | undefined;
  /** Key providers beside the software store, as in the server's configuration. */
  readonly providers: readonly ProviderEntry[];
}

const PROVIDER_FIELDS = new Set(['use', 'options']);

/**
 * Reads the CLI's configuration: the file `SIGNET_CONFIG` names (which must exist), else
 * `$SIGNET_HOME/config.yaml` when there is one. Its only field is `providers`, shaped as the
 * server's: `[{ use: '@signet/provider-pkcs11', options: { ... } }]`.
 *
 * @throws SignetError `INVALID_ARGUMENT` naming every problem on one line (`FILE: providers[0].use: ...`),
 * `IO_ERROR` when the file cannot be read.
 */
export async function loadCliConfig(options: { configFile: string | undefined; home: string }): Promise<CliConfig> {
  const file = options.configFile ?? join(options.home, 'config.yaml');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    if (options.configFile === undefined && (cause as NodeJS.ErrnoException).code === 'ENOENT') {
      return { file: undefined, providers: [] };
    }
    throw ioError(file, cause);
  }
  let data: unknown;
  try {
    data = parseYaml(text, { prettyErrors: true, uniqueKeys: true }) as unknown;
  } catch (error) {
    if (!(error instanceof YAMLParseError)) throw error;
    const line = error.linePos?.[0].line;
    // One line: the reason, without the " at line L, column C:" and excerpt that follow it.
    const reason = error.message.split(/ at line \d+|\n/)[0];
    throw new SignetError('INVALID_ARGUMENT', `${file}:${line ?? 1}: ${reason}`, {
      details: { path: file, line },
    });
  }
  return { file: resolve(file), providers: validate(data, file) };
}

/** The configuration's providers, or an error listing every problem at once. */
function validate(data: unknown, file: string): ProviderEntry[] {
  if (data === null) return []; // an empty file, or only comments
  const problems: string[] = [];
  const providers: ProviderEntry[] = [];
  if (!isRecord(data)) {
    problems.push('expected a mapping with "providers"');
  } else {
    for (const key of Object.keys(data)) if (key !== 'providers') problems.push(`${key}: unknown field`);
    const list = data.providers;
    if (list !== undefined && !Array.isArray(list)) problems.push('providers: expected a list of { use, options }');
    for (const [index, item] of (Array.isArray(list) ? list : []).entries()) {
      const at = `providers[${index}]`;
      if (!isRecord(item)) {
        problems.push(`${at}: expected a mapping with "use"`);
        continue;
      }
      for (const key of Object.keys(item)) if (!PROVIDER_FIELDS.has(key)) problems.push(`${at}.${key}: unknown field`);
      const { use, options } = item;
      if (typeof use !== 'string' || use.trim() === '') problems.push(`${at}.use: expected a package name or a path`);
      if (options !== undefined && !isRecord(options)) problems.push(`${at}.options: expected a mapping`);
      if (typeof use === 'string') providers.push(options === undefined ? { use } : { use, options });
    }
  }
  if (problems.length > 0) {
    throw new SignetError('INVALID_ARGUMENT', `${file}: ${problems.join('; ')}`, { details: { path: file, problems } });
  }
  return providers;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
