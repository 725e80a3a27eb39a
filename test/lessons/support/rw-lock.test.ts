import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ReadWriteLock } from '../../../lessons/support/rw-lock.js';

describe('ReadWriteLock', () => {
  it('lets readers hold the lock at the same time', async () => {
    const lock = new ReadWriteLock();
    const releases = await Promise.all([lock.acquireRead(), lock.acquireRead(), lock.acquireRead()]);
    expect(lock.activeReaders).toBe(3);
    releases.forEach((release) => release());
    expect(lock.activeReaders).toBe(0);
  });

  it('gives a writer the lock alone: it waits for readers, and readers wait for it', async () => {
    const lock = new ReadWriteLock();
    const events: string[] = [];
    const releaseReader = await lock.acquireRead();
    const writer = lock.acquireWrite().then((release) => {
      events.push('writer in');
      return release;
    });
    await sleep(5);
    expect(events).toEqual([]); // a reader still holds it
    releaseReader();
    const releaseWriter = await writer;
    expect(lock.isWriteLocked).toBe(true);
    const reader = lock.acquireRead().then((release) => {
      events.push('reader in');
      return release;
    });
    await sleep(5);
    expect(events).toEqual(['writer in']);
    releaseWriter();
    (await reader)();
    expect(events).toEqual(['writer in', 'reader in']);
  });

  it('does not let a stream of new readers starve a waiting writer', async () => {
    const lock = new ReadWriteLock();
    const order: string[] = [];
    const first = await lock.acquireRead();
    const writer = lock.acquireWrite().then((release) => {
      order.push('writer');
      release();
    });
    // Readers arriving after the writer queued must go after it, although readers hold the lock.
    const lateReaders = [1, 2, 3].map((n) =>
      lock.acquireRead().then((release) => {
        order.push(`reader ${n}`);
        release();
      }),
    );
    await sleep(5);
    expect(order).toEqual([]);
    first();
    await Promise.all([writer, ...lateReaders]);
    expect(order[0]).toBe('writer');
    expect(order).toHaveLength(4);
  });

  it('ignores a second release', async () => {
    const lock = new ReadWriteLock(2);
    const release = await lock.acquireRead();
    release();
    release();
    const [a, b] = await Promise.all([lock.acquireRead(), lock.acquireRead()]);
    expect(lock.activeReaders).toBe(2);
    a?.();
    b?.();
  });

  it('rejects a capacity that is not a positive integer', () => {
    expect(() => new ReadWriteLock(0)).toThrow(/positive integer/);
  });
});
