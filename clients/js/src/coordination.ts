// Keeps tabs of one origin from refreshing the same refresh token twice. Keycard rotates refresh
// tokens on every use (RFC 9700 §4.14.2), so a second refresh with the old token would fail once the
// server's short grace period is over.

/** The part of the Web Locks API (`navigator.locks`) the SDK uses. */
export interface LockManagerLike {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

/** The part of `BroadcastChannel` the SDK uses. */
export interface BroadcastChannelLike {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: { readonly data: unknown }) => void): void;
  close(): void;
}

export type TabMessage =
  | { readonly keycard: 1; readonly type: 'busy' }
  | { readonly keycard: 1; readonly type: 'idle' }
  | { readonly keycard: 1; readonly type: 'changed'; readonly reason: 'signed-in' | 'refreshed' | 'signed-out' };

export function defaultLocks(): LockManagerLike | null {
  const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
  if (!locks || typeof locks.request !== 'function') return null;
  // The lock is held until the callback's promise settles; the DOM typings flatten that promise
  // only one level, hence the explicit type.
  return { request: <T>(name: string, callback: () => Promise<T>) => locks.request(name, callback) as Promise<T> };
}

export function defaultChannel(name: string): BroadcastChannelLike | null {
  if (typeof BroadcastChannel !== 'function') return null;
  try {
    return new BroadcastChannel(name);
  } catch {
    return null;
  }
}

function isTabMessage(value: unknown): value is TabMessage {
  return typeof value === 'object' && value !== null && (value as { keycard?: unknown }).keycard === 1;
}

/**
 * Runs critical sections one at a time, in this tab and across tabs.
 * With Web Locks the browser guarantees exclusion. Without them (Firefox < 96, Safari < 15.4) a tab
 * announces its critical section on the BroadcastChannel and others wait for it to end; two tabs
 * starting in the same instant can still overlap, which the server's reuse grace period absorbs.
 */
export class TabCoordinator {
  private localTail: Promise<unknown> = Promise.resolve();
  private otherTabBusy = false;
  private readonly idleWaiters = new Set<() => void>();
  private readonly listeners = new Set<(message: TabMessage) => void>();

  constructor(
    private readonly lockName: string,
    private readonly locks: LockManagerLike | null,
    private readonly channel: BroadcastChannelLike | null,
    private readonly fallbackWaitMs: number,
  ) {
    channel?.addEventListener('message', (event) => {
      if (!isTabMessage(event.data)) return;
      const message = event.data;
      if (message.type === 'busy') this.otherTabBusy = true;
      if (message.type === 'idle') this.wakeIdleWaiters();
      for (const listener of this.listeners) listener(message);
    });
  }

  exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.locks ? () => this.locks!.request(this.lockName, task) : () => this.withAnnouncement(task);
    // Serialize within the tab as well, so logout never interleaves with a refresh.
    const result = this.localTail.then(run, run);
    this.localTail = result.catch(() => undefined);
    return result;
  }

  post(message: TabMessage): void {
    try {
      this.channel?.postMessage(message);
    } catch {
      // A closed channel must not break sign-in or sign-out in this tab.
    }
  }

  onMessage(listener: (message: TabMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.wakeIdleWaiters();
    this.listeners.clear();
    this.channel?.close();
  }

  private async withAnnouncement<T>(task: () => Promise<T>): Promise<T> {
    if (this.channel === null) return task();
    if (this.otherTabBusy) await this.waitForOtherTab();
    this.post({ keycard: 1, type: 'busy' });
    try {
      return await task();
    } finally {
      this.post({ keycard: 1, type: 'idle' });
    }
  }

  private waitForOtherTab(): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.idleWaiters.delete(done);
        resolve();
      };
      // A tab closed mid-refresh never says "idle"; do not wait for it forever.
      const timer = setTimeout(done, this.fallbackWaitMs);
      this.idleWaiters.add(done);
    });
  }

  private wakeIdleWaiters(): void {
    this.otherTabBusy = false;
    for (const wake of [...this.idleWaiters]) wake();
  }
}
