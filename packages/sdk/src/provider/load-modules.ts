import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SignetError } from '../errors/errors.js';
import type { ProviderModule } from './module.js';
import type { KeyProvider } from './provider.js';

/** One provider a configuration names: the package (or file) that exports `signetProvider`, and its options. */
export interface ProviderEntry {
  /** `@signet/provider-pkcs11`, another package, or a path to a module file. */
  use: string;
  /** The provider's own options, as the configuration file holds them (no secrets). */
  options?: unknown;
}

export interface LoadedProvider {
  readonly use: string;
  readonly scheme: string;
  /** Creates the provider (opening sessions, reading credentials from `env`). */
  create(): Promise<KeyProvider>;
}

/**
 * Loads the provider packages a configuration names, resolving each from the `from` folders in
 * order (the configuration file's folder, the working directory, the application itself), so a
 * package installed beside the application is found whatever the package manager's layout.
 * Nothing is created yet: the caller registers each `create` in its registry.
 *
 * @throws SignetError `INVALID_ARGUMENT` naming a package that cannot be found, or that does not
 * export a `signetProvider`, or two providers of one scheme.
 */
export async function loadProviderModules(
  entries: readonly ProviderEntry[],
  options: { env: Readonly<Record<string, string | undefined>>; from: readonly string[] },
): Promise<LoadedProvider[]> {
  const loaded: LoadedProvider[] = [];
  for (const entry of entries) {
    const module = await importProvider(entry.use, options.from);
    if (loaded.some((l) => l.scheme === module.scheme)) {
      throw new SignetError('INVALID_ARGUMENT', `Two providers serve "${module.scheme}:" keys; keep one`, {
        details: { scheme: module.scheme },
      });
    }
    loaded.push({
      use: entry.use,
      scheme: module.scheme,
      create: () => module.create(entry.options ?? {}, options.env),
    });
  }
  return loaded;
}

async function importProvider(use: string, from: readonly string[]): Promise<ProviderModule> {
  const isPath = use.startsWith('.') || isAbsolute(use);
  const specifier = isPath ? pathToFileURL(resolve(from[0] ?? '.', use)).href : resolvePackage(use, from);
  let exports: { signetProvider?: Partial<ProviderModule> };
  try {
    exports = (await import(specifier)) as typeof exports;
  } catch (cause) {
    throw new SignetError('INVALID_ARGUMENT', `Provider "${use}" cannot be loaded: ${(cause as Error).message}`, {
      cause,
      details: { use },
    });
  }
  const provider = exports.signetProvider;
  if (typeof provider?.scheme !== 'string' || typeof provider.create !== 'function') {
    throw new SignetError('INVALID_ARGUMENT', `"${use}" is not a Signet provider: it exports no signetProvider`, {
      details: { use },
    });
  }
  return provider as ProviderModule;
}

/**
 * The package's ES module entry as a URL, from the first folder that can resolve it, or its bare
 * name. The ESM entry, not the CommonJS one `require.resolve` finds: an ESM application must not
 * load a second, CommonJS copy of the SDK through the provider.
 */
function resolvePackage(name: string, from: readonly string[]): string {
  for (const folder of from) {
    const require = createRequire(join(resolve(folder), 'noop.js'));
    try {
      return esmEntry(require.resolve(`${name}/package.json`));
    } catch {
      // not installed there, or its package.json is not exported: try the next folder
    }
  }
  return name;
}

function esmEntry(packageJson: string): string {
  const pkg = JSON.parse(readFileSync(packageJson, 'utf8')) as {
    exports?: unknown;
    module?: string;
    main?: string;
  };
  const root =
    typeof pkg.exports === 'object' && pkg.exports !== null && '.' in pkg.exports ? pkg.exports['.'] : pkg.exports;
  const entry = pick(root) ?? pkg.module ?? pkg.main ?? 'index.js';
  return pathToFileURL(join(dirname(packageJson), entry)).href;
}

/** The `import` (else `default`) target of an exports condition tree. */
function pick(target: unknown): string | undefined {
  if (typeof target === 'string') return target;
  if (typeof target !== 'object' || target === null) return undefined;
  const conditions = target as Record<string, unknown>;
  return pick(conditions.import) ?? pick(conditions.node) ?? pick(conditions.default);
}
