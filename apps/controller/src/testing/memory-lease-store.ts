import { KubeApiError } from '../errors.ts';
import type { Lease } from '../kube-types.ts';
import type { LeaseStore } from '../leader-elector.ts';

/** One Lease in memory with resourceVersion checks, shared by several electors in a test. */
export class MemoryLease {
  lease: Lease | undefined;
  #version = 0;
  /** When set, every call fails as if the API server were down. */
  down = false;

  store(): LeaseStore {
    return {
      get: async () => {
        this.#check('GET');
        return this.lease;
      },
      create: async (lease) => {
        this.#check('POST');
        if (this.lease) throw new KubeApiError('POST', 'lease', 409, 'AlreadyExists', 'exists');
        this.lease = { ...lease, metadata: { ...lease.metadata, resourceVersion: String(++this.#version) } };
        return this.lease;
      },
      update: async (lease) => {
        this.#check('PUT');
        if (!this.lease || lease.metadata.resourceVersion !== this.lease.metadata.resourceVersion) {
          throw new KubeApiError('PUT', 'lease', 409, 'Conflict', 'stale resourceVersion');
        }
        this.lease = { ...lease, metadata: { ...lease.metadata, resourceVersion: String(++this.#version) } };
        return this.lease;
      },
    };
  }

  #check(method: string): void {
    if (this.down) throw new KubeApiError(method, 'lease', 0, '', 'connection refused');
  }
}
