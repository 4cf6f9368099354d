import { KubeApiError } from '../kube-error.ts';
import type { Lease } from '../kube-types.ts';
import type { LeaseStore } from '../leader-elector.ts';

/** One Lease in memory with resourceVersion checks, shared by several electors in a test. */
export class MemoryLease {
  lease: Lease | undefined;
  #version = 0;
  /** When set, every call fails as if the API server were down. */
  down = false;
  /** When set, every call hangs until its signal aborts, as through a stalled connection. */
  stalled = false;

  store(): LeaseStore {
    return {
      get: async (signal) => {
        await this.#check('GET', signal);
        return this.lease;
      },
      create: async (lease, signal) => {
        await this.#check('POST', signal);
        if (this.lease) throw new KubeApiError('POST', 'lease', 409, 'AlreadyExists', 'exists');
        this.lease = { ...lease, metadata: { ...lease.metadata, resourceVersion: String(++this.#version) } };
        return this.lease;
      },
      update: async (lease, signal) => {
        await this.#check('PUT', signal);
        if (!this.lease || lease.metadata.resourceVersion !== this.lease.metadata.resourceVersion) {
          throw new KubeApiError('PUT', 'lease', 409, 'Conflict', 'stale resourceVersion');
        }
        this.lease = { ...lease, metadata: { ...lease.metadata, resourceVersion: String(++this.#version) } };
        return this.lease;
      },
    };
  }

  async #check(method: string, signal: AbortSignal | undefined): Promise<void> {
    if (this.down) throw new KubeApiError(method, 'lease', 0, '', 'connection refused');
    if (!this.stalled) return;
    await new Promise<void>((_, reject) => {
      const abort = () => reject(new KubeApiError(method, 'lease', 0, '', 'aborted'));
      if (signal?.aborted) abort();
      signal?.addEventListener('abort', abort, { once: true });
    });
  }
}
