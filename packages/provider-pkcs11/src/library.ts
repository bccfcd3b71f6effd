import { SignetError } from '@signet/sdk';
import type * as Graphene from 'graphene-pk11';
import { pkcs11ReturnValue, toSignetError } from './errors.js';

export type GrapheneApi = typeof Graphene;

/** CKF_OS_LOCKING_OK: sessions sign on libuv's threads at once, so the library must lock. */
const INITIALIZE_OPTIONS = { flags: 2 };

interface Loaded {
  readonly graphene: GrapheneApi;
  readonly module: Graphene.Module;
  /** Whether our C_Initialize did it; else someone else in this process did, and finalizes it. */
  owned: boolean;
}

interface Entry {
  readonly loading: Promise<Loaded>;
  /** Providers holding the library, counted from the call, before it has loaded. */
  users: number;
}

/**
 * A PKCS#11 library is process-wide state: C_Initialize and C_Finalize act on every user of the
 * same file in the process. Providers on the same module path share one handle, counted, so that
 * closing one does not finalize the library under another.
 */
const libraries = new Map<string, Entry>();

/** Loads graphene (and the native addon) only when a provider is created, not on import. */
async function loadGraphene(): Promise<GrapheneApi> {
  try {
    return (await import('graphene-pk11')) as GrapheneApi;
  } catch (cause) {
    throw new SignetError('UNAVAILABLE', 'graphene-pk11 (the PKCS#11 binding) failed to load', { cause });
  }
}

/** C_Initialize; true when this call initialized it, false when it already was. */
export function initializeLibrary(module: Graphene.Module): boolean {
  try {
    module.lib.C_Initialize(INITIALIZE_OPTIONS);
    return true;
  } catch (error) {
    if (pkcs11ReturnValue(error)?.name === 'CKR_CRYPTOKI_ALREADY_INITIALIZED') return false;
    throw toSignetError(error, 'C_Initialize');
  }
}

async function load(path: string): Promise<Loaded> {
  const graphene = await loadGraphene();
  let module: Graphene.Module;
  try {
    module = graphene.Module.load(path);
  } catch (cause) {
    throw new SignetError('INVALID_ARGUMENT', `The PKCS#11 module ${path} does not load`, {
      cause,
      details: { module: path },
    });
  }
  try {
    return { graphene, module, owned: initializeLibrary(module) };
  } catch (error) {
    module.close();
    throw error;
  }
}

/** The loaded, initialized library at `path`; pair every call with {@link releaseLibrary}. */
export async function acquireLibrary(path: string): Promise<Loaded> {
  let entry = libraries.get(path);
  if (!entry) {
    const created: Entry = { loading: load(path), users: 0 };
    created.loading.catch(() => libraries.get(path) === created && libraries.delete(path));
    libraries.set(path, created);
    entry = created;
  }
  entry.users++;
  try {
    return await entry.loading;
  } catch (error) {
    entry.users--;
    throw error;
  }
}

/** Finalizes and unloads the library when its last provider closes. Never throws. */
export function releaseLibrary(path: string, loaded: Loaded): void {
  const entry = libraries.get(path);
  if (entry && --entry.users > 0) return;
  libraries.delete(path);
  try {
    if (loaded.owned) loaded.module.finalize();
  } catch {
    // already finalized (e.g. by another user of the library): nothing to undo
  }
  try {
    loaded.module.close();
  } catch {
    // the handle is gone either way
  }
}

export type { Loaded as LoadedLibrary };
