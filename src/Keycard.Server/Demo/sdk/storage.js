// Generated from clients/js/src by `npm run build:demo` in clients/js. Do not edit.
/** A storage that lives only as long as the page; also handy in tests. */
export function createMemoryStorage() {
    const items = new Map();
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
export function browserStorage(kind) {
    try {
        const storage = globalThis[kind];
        if (storage) {
            const probe = '__keycard_probe__';
            storage.setItem(probe, probe);
            storage.removeItem(probe);
            return storage;
        }
    }
    catch {
        // fall through to memory
    }
    return createMemoryStorage();
}
export function readJson(storage, key, isValid) {
    const raw = storage.getItem(key);
    if (raw === null)
        return null;
    try {
        const value = JSON.parse(raw);
        return isValid(value) ? value : null;
    }
    catch {
        return null;
    }
}
