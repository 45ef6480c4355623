// Generated from clients/js/src by `npm run build:demo` in clients/js. Do not edit.
// Keeps tabs of one origin from refreshing the same refresh token twice. Keycard rotates refresh
// tokens on every use (RFC 9700 §4.14.2), so a second refresh with the old token would fail once the
// server's short grace period is over.
export function defaultLocks() {
    const locks = globalThis.navigator?.locks;
    if (!locks || typeof locks.request !== 'function')
        return null;
    // The lock is held until the callback's promise settles; the DOM typings flatten that promise
    // only one level, hence the explicit type.
    return { request: (name, callback) => locks.request(name, callback) };
}
export function defaultChannel(name) {
    if (typeof BroadcastChannel !== 'function')
        return null;
    try {
        return new BroadcastChannel(name);
    }
    catch {
        return null;
    }
}
function isTabMessage(value) {
    return typeof value === 'object' && value !== null && value.keycard === 1;
}
/**
 * Runs critical sections one at a time, in this tab and across tabs.
 * With Web Locks the browser guarantees exclusion. Without them (Firefox < 96, Safari < 15.4) a tab
 * announces its critical section on the BroadcastChannel and others wait for it to end; two tabs
 * starting in the same instant can still overlap, which the server's reuse grace period absorbs.
 */
export class TabCoordinator {
    lockName;
    locks;
    channel;
    fallbackWaitMs;
    localTail = Promise.resolve();
    otherTabBusy = false;
    idleWaiters = new Set();
    listeners = new Set();
    constructor(lockName, locks, channel, fallbackWaitMs) {
        this.lockName = lockName;
        this.locks = locks;
        this.channel = channel;
        this.fallbackWaitMs = fallbackWaitMs;
        channel?.addEventListener('message', (event) => {
            if (!isTabMessage(event.data))
                return;
            const message = event.data;
            if (message.type === 'busy')
                this.otherTabBusy = true;
            if (message.type === 'idle')
                this.wakeIdleWaiters();
            for (const listener of this.listeners)
                listener(message);
        });
    }
    exclusive(task) {
        const run = this.locks ? () => this.locks.request(this.lockName, task) : () => this.withAnnouncement(task);
        // Serialize within the tab as well, so logout never interleaves with a refresh.
        const result = this.localTail.then(run, run);
        this.localTail = result.catch(() => undefined);
        return result;
    }
    post(message) {
        try {
            this.channel?.postMessage(message);
        }
        catch {
            // A closed channel must not break sign-in or sign-out in this tab.
        }
    }
    onMessage(listener) {
        this.listeners.add(listener);
        return () => this.listeners.delete(listener);
    }
    close() {
        this.wakeIdleWaiters();
        this.listeners.clear();
        this.channel?.close();
    }
    async withAnnouncement(task) {
        if (this.channel === null)
            return task();
        if (this.otherTabBusy)
            await this.waitForOtherTab();
        this.post({ keycard: 1, type: 'busy' });
        try {
            return await task();
        }
        finally {
            this.post({ keycard: 1, type: 'idle' });
        }
    }
    waitForOtherTab() {
        return new Promise((resolve) => {
            const done = () => {
                clearTimeout(timer);
                this.idleWaiters.delete(done);
                resolve();
            };
            // A tab closed mid-refresh never says "idle"; do not wait for it forever.
            const timer = setTimeout(done, this.fallbackWaitMs);
            this.idleWaiters.add(done);
        });
    }
    wakeIdleWaiters() {
        this.otherTabBusy = false;
        for (const wake of [...this.idleWaiters])
            wake();
    }
}
