import { getAlgorithm } from '@signet/sdk';
import { FakeKeyStore, VAULT_ALGORITHMS, type FakeKeyKind, type StoredVersion } from './key-store.js';
import { keyBundle, keyItem, page, vaultError, versionItem, type Reply } from './wire.js';

/** The operations a role can be denied, as Key Vault's RBAC data actions split them. */
export type VaultOperation = 'get' | 'list' | 'sign' | 'create';

export interface VaultRequest {
  method: string;
  /** Path segments after `/keys`, URL-decoded; `['']` for `/keys/`. */
  segments: string[];
  query: URLSearchParams;
  /** The parsed JSON body of a POST; undefined when there is none. */
  body: unknown;
}

export interface RouteState {
  store: FakeKeyStore;
  base: string;
  pageSize: number;
  denied: ReadonlySet<VaultOperation>;
  /** Names a soft-deleted key still holds: creating them conflicts. */
  deleted: ReadonlySet<string>;
}

const NAME = /^[0-9A-Za-z-]{1,127}$/;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

const badParameter = (message: string) => vaultError(400, 'BadParameter', message);

function keyNotFound(name: string, version: string): Reply {
  const id = version ? `${name}/${version}` : name;
  return vaultError(404, 'KeyNotFound', `A key with (name/id) ${id} was not found in this key vault.`);
}

function forbidden(operation: VaultOperation): Reply {
  return vaultError(
    403,
    'Forbidden',
    `Caller is not authorized to perform action on resource. Action: 'Microsoft.KeyVault/vaults/keys/${operation}'`,
  );
}

export async function route(state: RouteState, request: VaultRequest): Promise<Reply> {
  const { method, segments } = request;
  const [name = '', second, third] = segments;
  if (segments.length === 0 && method === 'GET') return listKeys(state, request);
  if (!NAME.test(name)) return badParameter(`Invalid key name: "${name}"`);
  if (method === 'GET' && segments.length === 2 && second === 'versions') return listVersions(state, request, name);
  if (method === 'GET' && segments.length <= 2) return getKey(state, name, second ?? '');
  if (method === 'POST' && segments.length === 2 && second === 'create') return createKey(state, name, request.body);
  if (method === 'POST' && segments.length === 3 && third === 'sign') return sign(state, name, second!, request.body);
  return vaultError(405, 'MethodNotAllowed', `${method} is not allowed here`);
}

function listKeys(state: RouteState, request: VaultRequest): Reply {
  if (state.denied.has('list')) return forbidden('list');
  const items = state.store.current().map((k) => keyItem(state.base, k));
  return { status: 200, body: paged(state, request, items, `${state.base}/keys`) };
}

function listVersions(state: RouteState, request: VaultRequest, name: string): Reply {
  if (state.denied.has('list')) return forbidden('list');
  const items = [...state.store.versions(name)].reverse().map((k) => versionItem(state.base, k));
  return { status: 200, body: paged(state, request, items, `${state.base}/keys/${name}/versions`) };
}

function paged<T>(state: RouteState, request: VaultRequest, items: T[], nextBase: string) {
  const size = Math.min(Number(request.query.get('maxresults') ?? state.pageSize) || state.pageSize, state.pageSize);
  const skip = Number(request.query.get('$skiptoken') ?? 0) || 0;
  return page(items, skip, size, nextBase, request.query.get('api-version')!);
}

function getKey(state: RouteState, name: string, version: string): Reply {
  if (state.denied.has('get')) return forbidden('get');
  const key = state.store.find(name, version);
  return key ? { status: 200, body: keyBundle(state.base, key) } : keyNotFound(name, version);
}

const RSA_SIZES = [2048, 3072, 4096];
const CURVES: Record<string, FakeKeyKind> = { 'P-256': 'ec-p256', 'P-384': 'ec-p384', 'P-521': 'ec-p521' };
const OPERATIONS = ['encrypt', 'decrypt', 'sign', 'verify', 'wrapKey', 'unwrapKey', 'import', 'export'];

async function createKey(state: RouteState, name: string, body: unknown): Promise<Reply> {
  if (state.denied.has('create')) return forbidden('create');
  if (state.deleted.has(name.toLowerCase())) {
    return vaultError(409, 'Conflict', `Key ${name} is currently in a deleted but recoverable state.`);
  }
  const params = (body ?? {}) as { kty?: unknown; key_size?: unknown; crv?: unknown; key_ops?: unknown };
  const kty = params.kty;
  if (kty !== 'RSA' && kty !== 'RSA-HSM' && kty !== 'EC' && kty !== 'EC-HSM') {
    return badParameter(`Invalid key type: ${String(kty)}`);
  }
  const keyOps = params.key_ops ?? ['sign', 'verify'];
  if (!Array.isArray(keyOps) || !keyOps.every((op) => OPERATIONS.includes(op))) {
    return badParameter('Invalid key_ops');
  }
  let kind: FakeKeyKind;
  if (kty.startsWith('RSA')) {
    const size = params.key_size ?? 2048;
    if (typeof size !== 'number' || !RSA_SIZES.includes(size)) return badParameter(`Unsupported key size (${size})`);
    kind = `rsa-${size}` as FakeKeyKind;
  } else {
    const crv = params.crv ?? 'P-256';
    if (typeof crv !== 'string' || !CURVES[crv]) return badParameter(`Unsupported curve ${String(crv)}`);
    kind = CURVES[crv];
  }
  const key = await state.store.create(name, kind, { hsm: kty.endsWith('-HSM'), keyOps: keyOps as string[] });
  return { status: 200, body: keyBundle(state.base, key) };
}

/** `POST /keys/NAME/VERSION/sign` with `{alg, value}`, checked in the order Key Vault checks. */
async function sign(state: RouteState, name: string, version: string, body: unknown): Promise<Reply> {
  if (state.denied.has('sign')) return forbidden('sign');
  const key = state.store.find(name, version);
  if (!key) return keyNotFound(name, version);
  const params = (body ?? {}) as { alg?: unknown; value?: unknown };
  if (typeof params.alg !== 'string' || params.alg === '') return badParameter("The parameter 'alg' is required.");
  if (typeof params.value !== 'string' || !BASE64URL.test(params.value)) {
    return badParameter("The parameter 'value' is required and must be base64url.");
  }
  if (!key.enabled) return vaultError(403, 'Forbidden', 'Operation sign is not allowed on a disabled key.');
  if (!key.keyOps.includes('sign')) return vaultError(403, 'Forbidden', 'Operation sign is not allowed by the key.');
  const signet = VAULT_ALGORITHMS[params.alg];
  if (!signet) return badParameter(`Invalid algorithm: ${params.alg}`);
  if (!fits(key, signet)) {
    const id = `${state.base}/keys/${key.name}/${key.version}`;
    return badParameter(
      `Key and signing algorithm are incompatible. Key ${id} is ${key.kty}, algorithm ${params.alg}.`,
    );
  }
  const digest = Buffer.from(params.value, 'base64url');
  const expected = getAlgorithm(signet).digestLength;
  if (digest.length !== expected) {
    return badParameter(
      `Invalid length of 'value': ${digest.length} bytes. ${params.alg} requires ${expected} bytes, encoded with base64url.`,
    );
  }
  const signature = await state.store.sign(key, params.alg, digest);
  return {
    status: 200,
    body: { kid: `${state.base}/keys/${key.name}/${key.version}`, value: signature.toString('base64url') },
  };
}

function fits(key: StoredVersion, algorithm: string): boolean {
  if (!key.spec) return false;
  const a = getAlgorithm(algorithm);
  return a.keyType === 'rsa' ? key.spec.startsWith('rsa-') : key.spec === `ec-p${a.curve!.slice(2)}`;
}
