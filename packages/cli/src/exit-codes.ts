import type { SignetErrorCode } from '@signet/sdk';

/** The exit statuses of `signet`, one per class of failure. Scripts branch on these. */
export const EXIT = {
  OK: 0,
  INTERNAL: 1,
  USAGE: 2,
  NOT_FOUND: 3,
  SECRET: 4,
  VERIFICATION: 5,
  UNAVAILABLE: 6,
  CORRUPT: 7,
  DENIED: 8,
  PENDING: 9,
  INTERRUPTED: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** What each exit status means, for `signet --help` and the README. */
export const EXIT_MEANINGS: ReadonlyArray<readonly [ExitCode, string]> = [
  [EXIT.OK, 'success; for verify: every signature is valid'],
  [EXIT.INTERNAL, 'unexpected error (a bug: run again with SIGNET_DEBUG=1)'],
  [EXIT.USAGE, 'bad usage: unknown option, invalid argument, key URI or algorithm'],
  [EXIT.NOT_FOUND, 'not found: a file, a key or the key store'],
  [EXIT.SECRET, 'secret missing or wrong, or permission denied'],
  [EXIT.VERIFICATION, 'verification failed: the signature does not match or is not trusted'],
  [EXIT.UNAVAILABLE, 'key provider unavailable or throttled: try again later'],
  [EXIT.CORRUPT, 'corrupt or unreadable data: key store, certificate, signature, policy'],
  [EXIT.DENIED, 'refused by policy (or an approval that is not yours to give)'],
  [EXIT.PENDING, 'waiting for approval: the request is recorded, ask an approver'],
  [EXIT.INTERRUPTED, 'interrupted (Ctrl-C) or cancelled'],
];

/**
 * The one mapping from error codes to exit statuses. A `Record` over the whole union, so a code
 * added to the SDK does not compile here until someone decides its exit status.
 */
const BY_CODE: Readonly<Record<SignetErrorCode, ExitCode>> = {
  INVALID_ARGUMENT: EXIT.USAGE,
  INVALID_KEY_URI: EXIT.USAGE,
  UNKNOWN_SCHEME: EXIT.USAGE,
  UNSUPPORTED_ALGORITHM: EXIT.USAGE,
  DIGEST_LENGTH_MISMATCH: EXIT.USAGE,
  ALGORITHM_KEY_MISMATCH: EXIT.USAGE,
  CERTIFICATE_KEY_MISMATCH: EXIT.USAGE,
  KEY_EXISTS: EXIT.USAGE,
  KEY_NOT_FOUND: EXIT.NOT_FOUND,
  IO_ERROR: EXIT.NOT_FOUND,
  BAD_PASSPHRASE: EXIT.SECRET,
  PASSPHRASE_REQUIRED: EXIT.SECRET,
  PERMISSION_DENIED: EXIT.SECRET,
  UNAUTHENTICATED: EXIT.SECRET,
  VERIFICATION_FAILED: EXIT.VERIFICATION,
  THROTTLED: EXIT.UNAVAILABLE,
  UNAVAILABLE: EXIT.UNAVAILABLE,
  KEYSTORE_CORRUPT: EXIT.CORRUPT,
  INVALID_FORMAT: EXIT.CORRUPT,
  INVALID_POLICY: EXIT.CORRUPT,
  INVALID_CERTIFICATE: EXIT.CORRUPT,
  INVALID_SIGNATURE_ENCODING: EXIT.CORRUPT,
  ABORTED: EXIT.INTERRUPTED,
  PROVIDER_CLOSED: EXIT.INTERNAL,
  INTERNAL: EXIT.INTERNAL,
  POLICY_DENIED: EXIT.DENIED,
  SELF_APPROVAL: EXIT.DENIED,
  NOT_AN_APPROVER: EXIT.DENIED,
  APPROVAL_REQUIRED: EXIT.PENDING,
  IDEMPOTENCY_CONFLICT: EXIT.USAGE,
  NOT_FOUND: EXIT.NOT_FOUND,
  CANCELLED: EXIT.INTERRUPTED,
  AUDIT_UNAVAILABLE: EXIT.UNAVAILABLE,
  AUDIT_CORRUPT: EXIT.CORRUPT,
  AUDIT_CLOSED: EXIT.INTERNAL,
};

/** `IO_ERROR` is refined by the errno of its cause: a refused read is a permission problem. */
const BY_ERRNO: Readonly<Record<string, ExitCode>> = {
  EACCES: EXIT.SECRET,
  EPERM: EXIT.SECRET,
  EROFS: EXIT.SECRET,
};

/** The exit status for an error code, and for `IO_ERROR` the errno of its cause. */
export function exitCodeFor(code: SignetErrorCode, errno?: string): ExitCode {
  if (code === 'IO_ERROR' && errno !== undefined && errno in BY_ERRNO) return BY_ERRNO[errno]!;
  return BY_CODE[code] ?? EXIT.INTERNAL;
}

/** Every documented exit status. */
export const EXIT_CODES: ReadonlySet<number> = new Set(Object.values(EXIT));
