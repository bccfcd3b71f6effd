// `pnpm bench`: prints every benchmark of the project, each a ratio against a baseline measured in
// the same run on the same machine. Results are also written to .bench/results.json.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchHashing } from './hashing.mjs';
import { benchJar } from './jar.mjs';
import { benchAuthenticode } from './authenticode.mjs';
import { benchAudit } from './audit.mjs';
import { benchPgp } from './pgp.mjs';
import { benchPkcs11 } from './pkcs11.mjs';
import { benchPolicy } from './policy.mjs';
import { benchServer } from './server.mjs';
import { benchSigning } from './signing.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, '.bench');
await mkdir(dir, { recursive: true });

const only = process.argv.slice(2);
const want = (name) => only.length === 0 || only.includes(name);
const results = { node: process.version, date: new Date().toISOString() };
if (want('hashing')) results.hashing = await benchHashing(dir);
if (want('signing')) results.signing = await benchSigning(dir);
if (want('pkcs11')) results.pkcs11 = await benchPkcs11(dir);
if (want('pgp')) results.pgp = await benchPgp(dir);
if (want('jar')) results.jar = await benchJar(dir);
if (want('authenticode')) results.authenticode = await benchAuthenticode(dir);
if (want('policy')) results.policy = await benchPolicy();
if (want('audit')) results.audit = await benchAudit(dir);
if (want('server')) results.server = await benchServer(dir);
await writeFile(join(dir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nResults written to ${join('.bench', 'results.json')}`);
