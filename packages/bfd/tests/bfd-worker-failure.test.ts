/**
 * BfdWorker when its thread dies (a real worker thread running a stand-in that crashes): every
 * session that was not Down is reported Down so the BGP layer tears its sessions down, the
 * failure listeners get ERR_BFD_WORKER_EXITED, and every pending and later call rejects with it.
 */
import { describe, expect, it } from 'vitest';
import { BfdDiagnostic, BfdState } from '../src/bfd-constants.ts';
import type { StateChange } from '../src/bfd-endpoint.ts';
import type { BfdError } from '../src/bfd-error.ts';
import { BfdWorker } from '../src/bfd-worker.ts';

const standIn = new URL('./crashing-bfd-worker.ts', import.meta.url);

describe('BfdWorker whose thread dies', () => {
  it('reports every session that was not Down as Down and tells the failure listeners', async () => {
    const bfd = await BfdWorker.start({}, standIn);
    const changes: StateChange[] = [];
    const failures: BfdError[] = [];
    bfd.onStateChange((c) => changes.push(c));
    const failed = new Promise<void>((resolve) =>
      bfd.onFailure((error) => {
        failures.push(error);
        resolve();
      }),
    );
    await bfd.addSession({ peerAddress: '198.51.100.1' });
    await bfd.addSession({ peerAddress: '198.51.100.2' });
    await bfd.addSession({ peerAddress: '198.51.100.3' });
    // Removed while Up: no longer ours to report.
    expect(await bfd.removeSession({ peerAddress: '198.51.100.3' })).toBe(true);
    expect(changes.map((c) => c.to)).toEqual([BfdState.init, BfdState.up, BfdState.init, BfdState.up]);

    await expect(bfd.sessions()).rejects.toMatchObject({ code: 'ERR_BFD_WORKER_EXITED' });
    await failed;
    expect(changes.slice(4)).toEqual([
      expect.objectContaining({
        peerAddress: '198.51.100.1',
        from: BfdState.up,
        to: BfdState.down,
        diagnostic: BfdDiagnostic.forwardingPlaneReset,
      }),
    ]);
    expect(failures).toHaveLength(1);
    expect(failures[0]!.message).toContain('the BFD thread crashed');
    await expect(bfd.addSession({ peerAddress: '198.51.100.4' })).rejects.toMatchObject({
      code: 'ERR_BFD_WORKER_EXITED',
    });
    await bfd.close();
  });

  it('rejects start with ERR_BFD_WORKER_EXITED when the thread dies before it is ready', async () => {
    const started = BfdWorker.start({ crashAtStart: true } as never, standIn);
    await expect(started).rejects.toMatchObject({ code: 'ERR_BFD_WORKER_EXITED' });
  });
});
