/** Where the SDK keeps its state: `localStorage`, `sessionStorage` or anything shaped like them. */
export interface KeycardStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** A storage that lives only as long as the page; also handy in tests. */
export function createMemoryStorage(): KeycardStorage {
  const items = new Map<string, string>();
  return {
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => {
      items.set(key, String(value));
    },
    removeItem: (key) => {
      items.delete(key);
    },
  };
}

/**
 * `localStorage` can be missing (workers, old embedded views) or throw on access
 * (storage disabled, sandboxed iframes); the SDK then keeps its state in memory.
 */
export function browserStorage(kind: 'localStorage' | 'sessionStorage'): KeycardStorage {
  try {
    const storage = (globalThis as Partial<Record<typeof kind, Storage>>)[kind];
    if (storage) {
      const probe = '__keycard_probe__';
      storage.setItem(probe, probe);
      storage.removeItem(probe);
      return storage;
    }
  } catch {
    // fall through to memory
  }
  return createMemoryStorage();
}

export function readJson<T>(storage: KeycardStorage, key: string, isValid: (value: unknown) => value is T): T | null {
  const raw = storage.getItem(key);
  if (raw === null) return null;
  try {
    const value: unknown = JSON.parse(raw);
    return isValid(value) ? value : null;
  } catch {
    return null;
  }
}
