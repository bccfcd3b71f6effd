import { digestOf, type FakeKeyStore, type FakeVersion } from './fake-kms-keys.js';
import {
  crc32cBitwise,
  decodeBytes,
  decodeInt64,
  ENUMS,
  enumValue,
  invalid,
  notFound,
  precondition,
  WireError,
} from './fake-kms-wire.js';

/** Damage the fake can do to one request or answer. */
export type Corruption =
  'signatureCrc32c' | 'signature' | 'signName' | 'dropDigestCrc32c' | 'digestInTransit' | 'pemCrc32c' | 'publicKeyName';

export interface RouteContext {
  store: FakeKeyStore;
  maxPageSize: number;
  /** Whether to do this damage now (uses up one of its count). */
  take(kind: Corruption): boolean;
  /** @throws WireError PERMISSION_DENIED */
  checkAccess(permission: string, resource: string): void;
}

export interface WireRequest {
  method: string;
  /** Decoded, e.g. `/v1/projects/p/.../cryptoKeyVersions/1:asymmetricSign`. */
  path: string;
  query: Record<string, string>;
  body: string;
}

const VERSION = /^projects\/[^/]+\/locations\/[^/]+\/keyRings\/[^/]+\/cryptoKeys\/[^/]+\/cryptoKeyVersions\/\d+$/;
const GLOBAL_QUERY = ['$alt', '$prettyPrint'];
const SIGN_FIELDS = ['name', 'digest', 'digestCrc32c', 'data', 'dataCrc32c'];

/**
 * The REST methods of Cloud KMS the provider uses (AsymmetricSign, GetPublicKey, ListKeyRings,
 * ListCryptoKeys, ListCryptoKeyVersions), refusing what the service refuses. Returns the JSON
 * answer or throws a `WireError`.
 */
export function createRoutes(ctx: RouteContext): (request: WireRequest) => Promise<unknown> {
  const { store } = ctx;

  return async function route({ method, path, query, body }) {
    const numeric = query.$alt === 'json;enum-encoding=int';
    const resource = path.startsWith('/v1/') ? path.slice(4) : '';
    const allow = (...names: string[]) => {
      for (const name of Object.keys(query)) {
        if (!names.includes(name) && !GLOBAL_QUERY.includes(name)) {
          throw invalid(`Invalid JSON payload received. Unknown name "${name}": Cannot bind query parameter.`);
        }
      }
    };
    let m: RegExpExecArray | null;
    if (method === 'POST' && (m = /^(.+):asymmetricSign$/.exec(resource))) {
      allow();
      return sign(m[1]!, body, numeric);
    }
    if (method === 'GET' && (m = /^(.+)\/publicKey$/.exec(resource))) {
      allow('publicKeyFormat');
      return publicKey(m[1]!, numeric);
    }
    if (method === 'GET' && (m = /^(projects\/[^/]+\/locations\/[^/]+)\/keyRings$/.exec(resource))) {
      allow('pageSize', 'pageToken', 'filter', 'orderBy');
      const parent = m[1]!;
      ctx.checkAccess('cloudkms.keyRings.list', parent);
      const rings = [...store.rings.values()].filter((r) => r.name.startsWith(`${parent}/keyRings/`));
      const items = rings.map((r) => ({ name: r.name, createTime: r.createTime.toISOString() }));
      return page(parent, 'keyRings', items, query);
    }
    if (method === 'GET' && (m = /^(projects\/[^/]+\/locations\/[^/]+\/keyRings\/[^/]+)\/cryptoKeys$/.exec(resource))) {
      allow('pageSize', 'pageToken', 'filter', 'orderBy', 'versionView');
      const parent = m[1]!;
      ctx.checkAccess('cloudkms.cryptoKeys.list', parent);
      const ring = store.rings.get(parent);
      if (!ring) throw notFound(`KeyRing ${parent} not found.`);
      const items = ring.keys.map((k) => ({
        name: k.name,
        purpose: enumValue(ENUMS.purpose, k.purpose, numeric),
        createTime: k.createTime.toISOString(),
        versionTemplate: {
          protectionLevel: enumValue(ENUMS.protectionLevel, 'HSM', numeric),
          algorithm: enumValue(ENUMS.algorithm, k.versions.at(-1)!.algorithm, numeric),
        },
      }));
      return page(parent, 'cryptoKeys', items, query);
    }
    if (method === 'GET' && (m = /^(.+\/cryptoKeys\/[^/]+)\/cryptoKeyVersions$/.exec(resource))) {
      allow('pageSize', 'pageToken', 'filter', 'orderBy', 'view');
      const parent = m[1]!;
      ctx.checkAccess('cloudkms.cryptoKeyVersions.list', parent);
      const key = store.key(parent);
      if (!key) throw notFound(`CryptoKey ${parent} not found.`);
      return page(
        parent,
        'cryptoKeyVersions',
        key.versions.map((v) => versionJson(v, numeric)),
        query,
      );
    }
    throw notFound(`The requested URL ${path} was not found on this server.`);
  };

  /** The version named, if the caller may use it and it can sign now. */
  function usableVersion(name: string, permission: string): FakeVersion {
    if (!VERSION.test(name)) throw invalid(`Resource name [${name}] does not match any known type.`);
    ctx.checkAccess(permission, name);
    const version = store.version(name);
    if (!version) throw notFound(`CryptoKeyVersion ${name} not found.`);
    const purpose = store.key(name.slice(0, name.lastIndexOf('/cryptoKeyVersions/')))!.purpose;
    if (purpose !== 'ASYMMETRIC_SIGN') {
      throw precondition(`Resource ${name} has value ${purpose} in field crypto_key.purpose.`);
    }
    if (version.state !== 'ENABLED') {
      throw precondition(`Resource ${name} has value ${version.state} in field crypto_key_version.state.`);
    }
    return version;
  }

  async function sign(name: string, body: string, numeric: boolean) {
    const request = parseBody(body);
    const version = usableVersion(name, 'cloudkms.cryptoKeyVersions.useToSign');
    const expected = digestOf(version.algorithm);
    if (!expected) throw precondition(`Resource ${name} has value ${version.algorithm} in field algorithm.`);
    if (request.data !== undefined) throw invalid(`${version.algorithm} signs a digest: data is not supported.`);
    const digestField = request.digest as Record<string, unknown> | undefined;
    if (!digestField || typeof digestField !== 'object' || Object.keys(digestField).length !== 1) {
      throw invalid('AsymmetricSignRequest.digest must hold exactly one of sha256, sha384, sha512.');
    }
    const [field, value] = Object.entries(digestField)[0]!;
    if (!['sha256', 'sha384', 'sha512'].includes(field)) {
      throw invalid(`Invalid JSON payload received. Unknown name "${field}" at 'digest': Cannot find field.`);
    }
    const digest = decodeBytes(value, `digest.${field}`);
    if (ctx.take('digestInTransit') && digest.length > 0) digest[0]! ^= 0x01;
    const dropped = ctx.take('dropDigestCrc32c');
    const sentCrc =
      dropped || request.digestCrc32c === undefined ? undefined : decodeInt64(request.digestCrc32c, 'digest_crc32c');
    if (sentCrc !== undefined && sentCrc !== BigInt(crc32cBitwise(digest))) {
      throw invalid('The checksum in field digest_crc32c did not match the data in field digest.');
    }
    if (field !== expected.field) {
      throw invalid(
        `The requested digest type ${field.toUpperCase()} does not match the key's algorithm ${version.algorithm}.`,
      );
    }
    if (digest.length !== expected.length)
      throw invalid(`Digest is ${digest.length} bytes; expected ${expected.length}.`);
    const signature = Buffer.from(await store.sign(version, digest));
    let signatureCrc32c = crc32cBitwise(signature);
    if (ctx.take('signatureCrc32c')) signatureCrc32c ^= 1;
    if (ctx.take('signature')) signature[signature.length - 1]! ^= 0x80;
    // proto3 JSON leaves out fields at their default (verifiedDigestCrc32c false).
    return {
      signature: signature.toString('base64'),
      signatureCrc32c: String(signatureCrc32c >>> 0),
      ...(sentCrc !== undefined ? { verifiedDigestCrc32c: true } : {}),
      name: ctx.take('signName') ? name.replace(/\d+$/, '99') : name,
      protectionLevel: enumValue(ENUMS.protectionLevel, 'HSM', numeric),
    };
  }

  function publicKey(name: string, numeric: boolean) {
    const version = usableVersion(name, 'cloudkms.cryptoKeyVersions.viewPublicKey');
    const pem = version.pem!;
    const pemCrc32c = crc32cBitwise(Buffer.from(pem)) ^ (ctx.take('pemCrc32c') ? 1 : 0);
    return {
      pem,
      algorithm: enumValue(ENUMS.algorithm, version.algorithm, numeric),
      pemCrc32c: String(pemCrc32c >>> 0),
      name: ctx.take('publicKeyName') ? `${name}0` : name,
      protectionLevel: enumValue(ENUMS.protectionLevel, 'HSM', numeric),
    };
  }

  /** One page of a list, with Google's paging rules: pageSize capped, opaque tokens checked. */
  function page(parent: string, field: string, items: unknown[], query: Record<string, string>) {
    if (query.filter || query.orderBy) throw new WireError(501, 'UNIMPLEMENTED', 'The fake does not filter or sort.');
    const size = query.pageSize === undefined ? ctx.maxPageSize : Number(query.pageSize);
    if (!Number.isInteger(size) || size < 0)
      throw invalid(`Invalid value at 'page_size' (TYPE_INT32), "${query.pageSize}"`);
    let offset = 0;
    if (query.pageToken) {
      const [tokenParent, at] = Buffer.from(query.pageToken, 'base64url').toString().split('#');
      offset = Number(at);
      if (tokenParent !== parent || !Number.isInteger(offset)) throw invalid('Invalid page token.');
    }
    const end = offset + Math.min(size || ctx.maxPageSize, ctx.maxPageSize);
    return {
      ...(items.length > offset ? { [field]: items.slice(offset, end) } : {}),
      ...(end < items.length ? { nextPageToken: Buffer.from(`${parent}#${end}`).toString('base64url') } : {}),
      totalSize: items.length,
    };
  }
}

function parseBody(body: string): Record<string, unknown> {
  let request: unknown;
  try {
    request = JSON.parse(body);
  } catch {
    throw invalid('Invalid JSON payload received. Unexpected token.');
  }
  if (!request || typeof request !== 'object' || Array.isArray(request))
    throw invalid('Invalid JSON payload received.');
  for (const field of Object.keys(request)) {
    if (!SIGN_FIELDS.includes(field)) {
      throw invalid(`Invalid JSON payload received. Unknown name "${field}": Cannot find field.`);
    }
  }
  return request as Record<string, unknown>;
}

function versionJson(v: FakeVersion, numeric: boolean) {
  return {
    name: v.name,
    state: enumValue(ENUMS.state, v.state, numeric),
    protectionLevel: enumValue(ENUMS.protectionLevel, 'HSM', numeric),
    algorithm: enumValue(ENUMS.algorithm, v.algorithm, numeric),
    createTime: v.createTime.toISOString(),
    generateTime: v.createTime.toISOString(),
  };
}
