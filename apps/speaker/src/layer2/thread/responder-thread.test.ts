import { describe, expect, it } from 'vitest';
import { ResponderThread, ResponderThreadError, type ResponderThreadHooks } from './responder-thread.ts';
import type { ResponderThreadConfig } from './responder-thread-protocol.ts';

const standIn = new URL('../../testing/failing-responder-worker.ts', import.meta.url);

function hooks(failures: Error[]): ResponderThreadHooks {
  return {
    onCounts: () => {},
    onConflict: () => {},
    onHandedOver: () => {},
    onInterfaceError: () => {},
    onSendError: () => {},
    onPriorityChange: () => {},
    onFailure: (error) => failures.push(error),
  };
}

/** The stand-in reads its mode where the real thread reads its config. */
const configFor = (mode: string, extra: { wedgeMs?: number } = {}) =>
  ({ mode, heartbeatMs: 20, ...extra }) as unknown as ResponderThreadConfig;

describe('ResponderThread (real worker threads, stand-in entry)', () => {
  it('rejects start with ResponderThreadError when the thread dies before it is ready', async () => {
    const failures: Error[] = [];
    const started = ResponderThread.start(configFor('throwAtStart'), hooks(failures), standIn);
    await expect(started).rejects.toThrow(ResponderThreadError);
    await expect(started).rejects.toThrow(/cannot open sockets/);
    expect(failures).toEqual([]);
  });

  it('carries requests and their answers, and passes on the realtime refusal', async () => {
    const failures: Error[] = [];
    const { thread, realtimeError } = await ResponderThread.start(
      configFor('crashOnAdd'),
      hooks(failures),
      standIn,
    );
    expect(realtimeError).toBe('EPERM (stand-in)');
    await thread.setInterfaces([]);
    expect(thread.interfaces).toEqual([{ name: 'eth0', arp: true, ndp: false }]);
    await thread.close();
    expect(failures).toEqual([]);
  });

  it('reports a thread that dies after start, and nothing waits on it forever', async () => {
    const failures: Error[] = [];
    const { thread } = await ResponderThread.start(configFor('crashOnAdd'), hooks(failures), standIn);
    thread.add({ ip: '198.51.100.7', family: 4, ifname: 'eth0' });
    await expect.poll(() => failures.length, { timeout: 5000 }).toBe(1);
    expect(failures[0]).toBeInstanceOf(ResponderThreadError);
    expect(failures[0]!.message).toMatch(/responder bug/);
    expect(thread.alive(), 'a dead thread is not alive').toBe(false);
    await thread.setInterfaces([]); // resolves: the thread is gone
    await thread.close();
  });

  it('is alive while it beats, not alive while its loop is wedged, and alive again after', async () => {
    const failures: Error[] = [];
    const { thread } = await ResponderThread.start(
      configFor('wedgeOnAdd', { wedgeMs: 1_000 }),
      hooks(failures),
      standIn,
    );
    try {
      // Well past the 5 missed heartbeats (100 ms) that would make a silent thread wedged.
      await new Promise((r) => setTimeout(r, 300));
      expect(thread.alive()).toBe(true);
      thread.add({ ip: '198.51.100.7', family: 4, ifname: 'eth0' });
      await expect.poll(() => thread.alive(), { timeout: 900, interval: 10 }).toBe(false);
      await expect.poll(() => thread.alive(), { timeout: 5_000, interval: 10 }).toBe(true);
    } finally {
      await thread.close();
    }
    expect(failures).toEqual([]);
  });
});
