import { abortable, SignetError, throwIfAborted } from '@signet/sdk';
import type { Session, Slot } from 'graphene-pk11';
import { pkcs11ReturnValue, recoveryFor, toSignetError, type Recovery } from './errors.js';
import { acquireLibrary, initializeLibrary, releaseLibrary, type LoadedLibrary } from './library.js';
import { SessionPool, type Lease } from './session-pool.js';
import { identityOf, type TokenIdentity } from './token-identity.js';

const CKF_SERIAL_SESSION = 4;
const CKF_RW_SESSION = 2;
const CKF_LOGIN_REQUIRED = 4;
const CKF_TOKEN_INITIALIZED = 0x400;

export interface ConnectionOptions {
  module: string;
  token?: string;
  tokenSerial?: string;
  pin?: string;
  sessions: number;
}

/**
 * The provider's hold on one token: the library, the token's slot, a pool of logged-in sessions,
 * and recovery when any of them is reset underneath. Every call to the token goes through
 * {@link Connection.use}, which lends a session and, when the call fails because the token's
 * state went stale, recovers before the caller retries.
 */
export class Connection {
  readonly pool: SessionPool<Session>;
  #identity!: TokenIdentity;
  #slot: Slot | undefined;
  #loginPending = true;
  /** Set once the token refused the PIN: trying it again could lock the token. */
  #pinRefused: SignetError | undefined;
  readonly #options: ConnectionOptions;
  readonly #library: LoadedLibrary;

  private constructor(options: ConnectionOptions, library: LoadedLibrary) {
    this.#options = options;
    this.#library = library;
    this.pool = new SessionPool<Session>({
      size: options.sessions,
      open: () => this.#openSession(),
      close: (session) => {
        try {
          session.close();
        } catch {
          // already closed with its token or module
        }
      },
    });
  }

  /** Loads the module, finds the token and logs in, so that a wrong setting fails here, at once. */
  static async open(options: ConnectionOptions): Promise<Connection> {
    const library = await acquireLibrary(options.module);
    const connection = new Connection(options, library);
    try {
      connection.#slot = connection.#findSlot();
      await connection.use('Opening a session', undefined, () => undefined);
      return connection;
    } catch (error) {
      await connection.close();
      throw error;
    }
  }

  get identity(): TokenIdentity {
    return this.#identity;
  }

  /**
   * Runs `call` with a session of its own. Its result or error is the caller's as soon as it is
   * known or `signal` aborts; the session goes back to the pool only when `call` has finished.
   * Errors come out as `SignetError`; stale sessions, handles or modules are recovered first, and
   * come out as a retryable `UNAVAILABLE`.
   */
  async use<T>(
    what: string,
    signal: AbortSignal | undefined,
    call: (session: Session, generation: number) => T | Promise<T>,
  ): Promise<T> {
    let lease: Lease<Session>;
    try {
      lease = await this.pool.acquire(signal);
    } catch (error) {
      this.#recoverAfter(error, this.pool.generation);
      throw toSignetError(error, what);
    }
    const work = (async () => {
      throwIfAborted(signal); // aborted while waiting for the session: the token is not asked
      return call(lease.session, lease.generation);
    })();
    const settled = work.then(
      (value) => {
        this.pool.release(lease);
        return value;
      },
      (error: unknown) => {
        this.#recoverAfter(error, lease.generation);
        // A token error ends the operation it hit, and our own checks run before one starts; any
        // other error may have left an operation active in the session, so it is not lent again.
        if (error instanceof SignetError || pkcs11ReturnValue(error)) this.pool.release(lease);
        else this.pool.discard(lease);
        throw toSignetError(error, what);
      },
    );
    if (!signal) return settled;
    return abortable(settled, signal);
  }

  /** Recovers when `error` calls for it, unless a call that failed alongside already did. */
  #recoverAfter(error: unknown, generation: number): void {
    const recovery = recoveryFor(error);
    if (recovery && generation === this.pool.generation) this.#recover(recovery);
  }

  /**
   * Everything here is synchronous, so one failing call recovers while the others that failed in
   * the same generation find it done. A step that fails again leaves the next attempt to retry.
   */
  #recover(recovery: Recovery): void {
    if (recovery === 'module') {
      try {
        if (initializeLibrary(this.#library.module)) this.#library.owned = true;
      } catch {
        // still not initializable: the next attempt tries again
      }
    }
    this.#slot = undefined; // found again by the next session: a re-inserted token may sit in a new slot
    this.#loginPending = true;
    this.pool.reset(recovery === 'module');
  }

  #openSession(): Session {
    if (this.#pinRefused) throw this.#pinRefused;
    const slot = (this.#slot ??= this.#findSlot());
    const session = slot.open(CKF_SERIAL_SESSION | CKF_RW_SESSION);
    if (this.#loginPending) {
      try {
        this.#login(session);
      } catch (error) {
        session.close();
        throw error;
      }
      this.#loginPending = false;
    }
    return session;
  }

  #login(session: Session): void {
    const { pin } = this.#options;
    if (pin === undefined) {
      if (!(session.slot.getToken().flags & CKF_LOGIN_REQUIRED)) return;
      throw new SignetError(
        'PERMISSION_DENIED',
        `The token "${this.#identity.token}" requires a PIN: set SIGNET_PKCS11_PIN, pinEnv or pinFile`,
        { details: { reason: 'pin-required' } },
      );
    }
    try {
      session.login(pin);
    } catch (error) {
      if (pkcs11ReturnValue(error)?.name === 'CKR_USER_ALREADY_LOGGED_IN') return;
      const refused = toSignetError(error, `Logging in to the token "${this.#identity.token}"`);
      if (refused.code === 'PERMISSION_DENIED') this.#pinRefused = refused;
      throw refused;
    }
  }

  #findSlot(): Slot {
    const { token, tokenSerial } = this.#options;
    const slots = this.#library.module.getSlots(true);
    const present: string[] = [];
    const matching: Slot[] = [];
    for (let i = 0; i < slots.length; i++) {
      const slot = slots.items(i);
      const info = slot.getToken();
      if (!(info.flags & CKF_TOKEN_INITIALIZED)) continue; // e.g. SoftHSM2's spare slot
      present.push(`${info.label} (serial ${info.serialNumber})`);
      if (
        (token === undefined || info.label === token) &&
        (tokenSerial === undefined || info.serialNumber === tokenSerial)
      ) {
        matching.push(slot);
      }
    }
    const wanted = [token && `labelled "${token}"`, tokenSerial && `with serial ${tokenSerial}`]
      .filter(Boolean)
      .join(' ');
    if (matching.length === 0) {
      throw new SignetError('UNAVAILABLE', `No token ${wanted} in ${this.#options.module}`, {
        details: { module: this.#options.module, present },
      });
    }
    if (matching.length > 1) {
      throw new SignetError('INVALID_ARGUMENT', `${matching.length} tokens ${wanted}: set tokenSerial to pick one`, {
        details: { present },
      });
    }
    this.#identity = identityOf(this.#library, matching[0]!);
    return matching[0]!;
  }

  /** Closes the pool, waits for calls in flight, then lets the library go. */
  async close(): Promise<void> {
    this.pool.close();
    await this.pool.drained();
    releaseLibrary(this.#options.module, this.#library);
  }
}
