import type { KubeClient } from '@baremetal-lb/kube';
import { FakeClock } from '@baremetal-lb/kube/testing';
import { describe, expect, it } from 'vitest';
import { KubeApiError } from './errors.ts';
import { createLogger } from './log.ts';
import { buildMemberlistSecret, ensureMemberlistSecret, memberlistSecretKey } from './memberlist-secret.ts';

const log = createLogger('fatal');

/** A KubeClient whose POSTs answer from a script: an error to throw, or success. */
function scriptedClient(answers: (Error | 'ok')[]) {
  const posts: { path: string; body: unknown }[] = [];
  const client = {
    request: async (_method: string, path: string, options?: { body?: unknown }) => {
      posts.push({ path, body: options?.body });
      const answer = answers.shift() ?? 'ok';
      if (answer !== 'ok') throw answer;
      return {};
    },
  } as unknown as KubeClient;
  return { client, posts };
}

describe('buildMemberlistSecret', () => {
  it('holds a fresh random key of 64 bytes under "secretkey"', () => {
    const a = buildMemberlistSecret('metallb-system', 'memberlist');
    const b = buildMemberlistSecret('metallb-system', 'memberlist');
    expect(a.metadata).toMatchObject({ name: 'memberlist', namespace: 'metallb-system' });
    const key = Buffer.from(a.data[memberlistSecretKey]!, 'base64').toString('utf8');
    expect(Buffer.from(key, 'base64')).toHaveLength(64);
    expect(a.data[memberlistSecretKey]).not.toBe(b.data[memberlistSecretKey]);
  });
});

describe('ensureMemberlistSecret', () => {
  const options = (client: KubeClient, clock: FakeClock, signal = new AbortController().signal) => ({
    client,
    namespace: 'metallb-system',
    name: 'memberlist',
    clock,
    log,
    signal,
  });

  it('creates the Secret in the namespace', async () => {
    const { client, posts } = scriptedClient(['ok']);
    expect(await ensureMemberlistSecret(options(client, new FakeClock()))).toBe('created');
    expect(posts.map((p) => p.path)).toEqual(['/api/v1/namespaces/metallb-system/secrets']);
  });

  it('leaves an existing Secret alone (409 AlreadyExists)', async () => {
    const exists = new KubeApiError(
      'POST',
      '/x',
      409,
      'AlreadyExists',
      'secrets "memberlist" already exists',
    );
    const { client, posts } = scriptedClient([exists]);
    expect(await ensureMemberlistSecret(options(client, new FakeClock()))).toBe('exists');
    expect(posts).toHaveLength(1);
  });

  it('retries with backoff while the API server is unreachable, and stops on abort', async () => {
    const down = new KubeApiError('POST', '/x', 0, '', 'connect ECONNREFUSED');
    const clock = new FakeClock();
    const { client, posts } = scriptedClient([down, down, 'ok']);
    const done = ensureMemberlistSecret(options(client, clock));
    await clock.advance(500);
    await clock.advance(1_000);
    expect(await done).toBe('created');
    expect(posts).toHaveLength(3);

    const stop = new AbortController();
    const failing = scriptedClient(Array.from({ length: 100 }, () => down));
    const aborted = ensureMemberlistSecret(options(failing.client, clock, stop.signal));
    await clock.advance(500);
    stop.abort();
    expect(await aborted).toBe('aborted');
  });
});
