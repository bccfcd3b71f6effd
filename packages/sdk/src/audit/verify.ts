import { isSignetError } from '../errors/errors.js';
import { parseCheckpoint, verifyCheckpoint, type SignedCheckpoint } from './checkpoint.js';
import { toHex } from './hex.js';
import { MerkleTree } from './merkle-tree.js';
import { walkRecords, type Finding } from './verify-walk.js';

/** What is wrong with an exported log, from the verifier's point of view. */
export type AuditProblem =
  'modified' | 'removed' | 'inserted' | 'reordered' | 'truncated' | 'checkpoint-signature' | 'malformed';

export type AuditVerification =
  | {
      readonly ok: true;
      /** Records covered by the checkpoint, all verified against its root. */
      readonly treeSize: number;
      readonly rootHash: string;
      /** Records in the export; those after `treeSize` chain correctly but no checkpoint vouches for them. */
      readonly events: number;
    }
  | {
      readonly ok: false;
      /**
       * The earliest record that cannot be trusted: the bad one, or (when only the `prev` field of
       * the next record was edited) the one before it. `null` when the checkpoint itself is at fault.
       */
      readonly firstBadIndex: number | null;
      readonly problem: AuditProblem;
      readonly message: string;
    };

export interface VerifyAuditExportParams {
  /** The export: JSON Lines text, or one record line per item (as `AuditLog.export()` yields). */
  events: string | Iterable<string>;
  /** A checkpoint of the log, signed with its audit key. */
  checkpoint: SignedCheckpoint;
  /** The audit key: DER SubjectPublicKeyInfo, or PEM text. */
  publicKey: Uint8Array | string;
}

/**
 * Verifies an exported audit log offline against a signed checkpoint: the checkpoint's signature,
 * then every record's index and `prev` chain, then the Merkle root of the first `treeSize` records.
 * A changed, removed, inserted or reordered record, or a cut log, is named by its index.
 *
 * The chain localises a change to one record only while the records after it are left as they
 * were. An attacker who edits record p and rewrites every record after it (recomputing each
 * `prev`) keeps the chain intact; only the root catches that, and the report can then only say
 * that the log differs somewhere up to `treeSize - 1` (it names `treeSize - 1`). Verifying
 * against an older checkpoint as well narrows the damage to between the two checkpoints.
 *
 * @throws SignetError `INVALID_ARGUMENT` when `publicKey` is not a public key.
 * @example
 * ```ts
 * const result = verifyAuditExport({ events: await readFile('events.jsonl', 'utf8'), checkpoint, publicKey: pem });
 * if (!result.ok) console.error(`event #${result.firstBadIndex} was ${result.problem}`);
 * ```
 */
export function verifyAuditExport(params: VerifyAuditExportParams): AuditVerification {
  let checkpoint: SignedCheckpoint;
  try {
    checkpoint = parseCheckpoint(params.checkpoint);
  } catch (error) {
    if (!isSignetError(error, 'INVALID_FORMAT')) throw error;
    return fail({ index: null, problem: 'malformed', message: error.message });
  }
  if (!verifyCheckpoint(checkpoint, params.publicKey)) {
    return fail({
      index: null,
      problem: 'checkpoint-signature',
      message: 'checkpoint signature does not verify with this audit key',
    });
  }
  const lines = typeof params.events === 'string' ? splitLines(params.events) : [...params.events].map(trimLine);
  const size = checkpoint.treeSize;
  const tree = new MerkleTree();
  const finding = walkRecords(lines, (leaf, index) => {
    if (index < size) tree.append(leaf);
  });
  if (finding) return fail(finding);
  if (lines.length < size) {
    return fail({
      index: lines.length,
      problem: 'truncated',
      message: `ends after ${lines.length} events, but the checkpoint covers ${size}: event #${lines.length} is missing`,
    });
  }
  if (toHex(tree.root()) !== checkpoint.rootHash) {
    if (size === 0) return fail({ index: null, problem: 'malformed', message: 'checkpoint of no events has a root' });
    return fail({
      index: size - 1,
      problem: 'modified',
      message: `event #${size - 1} was modified (the root of ${size} events does not match the checkpoint)`,
    });
  }
  return { ok: true, treeSize: size, rootHash: checkpoint.rootHash, events: lines.length };
}

function fail(finding: Finding): AuditVerification {
  return { ok: false, firstBadIndex: finding.index, problem: finding.problem, message: finding.message };
}

function splitLines(text: string): string[] {
  const lines = text.split('\n').map(trimLine);
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** One record per line; tolerate CRLF and a trailing newline, which are not part of the hashed JSON. */
function trimLine(line: string): string {
  return line.replace(/\r?\n?$/, '');
}
