/**
 * A small cache of promises that expire: concurrent misses share one load (a hundred signatures
 * on a cold key make one vault call, not a hundred), a failed load is forgotten at once, and the
 * oldest entry goes when it is full.
 */
export interface TtlCache<T> {
  get(key: string, load: () => Promise<T>): Promise<T>;
  /** Stores a value that was just loaded elsewhere (a fresh `getKey`). */
  set(key: string, value: T): void;
  delete(key: string): void;
  clear(): void;
}

export function createTtlCache<T>(ttlMs: number, maxEntries = 1000, now: () => number = Date.now): TtlCache<T> {
  const entries = new Map<string, { value: Promise<T>; expiresAt: number }>();

  function store(key: string, value: Promise<T>): void {
    entries.delete(key);
    if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
    const entry = { value, expiresAt: now() + ttlMs };
    entries.set(key, entry);
    value.catch(() => {
      if (entries.get(key) === entry) entries.delete(key);
    });
  }

  return {
    get(key, load) {
      const entry = entries.get(key);
      if (entry && entry.expiresAt > now()) return entry.value;
      const value = load();
      store(key, value);
      return value;
    },
    set: (key, value) => store(key, Promise.resolve(value)),
    delete: (key) => void entries.delete(key),
    clear: () => entries.clear(),
  };
}
