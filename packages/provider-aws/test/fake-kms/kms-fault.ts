/** HTTP statuses KMS answers its errors with (AWS JSON 1.1: the error name travels in `__type`). */
const STATUS: Readonly<Record<string, number>> = {
  KMSInternalException: 500,
  KeyUnavailableException: 500,
  DependencyTimeoutException: 503,
  DryRunOperationException: 412,
};

/** An error the fake answers as KMS would: `{ "__type": name, "message": ... }` with KMS's status. */
export class KmsFault extends Error {
  readonly status: number;

  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.status = STATUS[type] ?? 400;
  }
}

/** KMS's wording for a parameter that fails a model constraint. */
export function validation(field: string, value: unknown, constraint: string): KmsFault {
  const shown = value === undefined || value === null ? 'null' : `'${String(value).slice(0, 100)}'`;
  return new KmsFault(
    'ValidationException',
    `1 validation error detected: Value ${shown} at '${field}' failed to satisfy constraint: ${constraint}`,
  );
}
