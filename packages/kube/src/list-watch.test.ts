import { describe, expect, it } from 'vitest';
import type { WatchEvent } from './kube-client.ts';
import { KubeApiError } from './kube-error.ts';
import type { KubeObject } from './kube-types.ts';
import { ListWatch, type WatchClient } from './list-watch.ts';

type Obj = KubeObject & { readonly data?: string };

function obj(name: string, resourceVersion: string, data?: string, namespace = 'ns'): Obj {
  return { metadata: { name, namespace, resourceVersion }, ...(data === undefined ? {} : { data }) };
}

/** A scripted API: each list answers the next entry of `lists`; each watch runs the next script. */
class FakeClient implements WatchClient {
  readonly lists: Array<{ items: Obj[]; resourceVersion: string } | Error> = [];
  readonly watches: Array<(emit: (event: WatchEvent) => void, signal: AbortSignal) => Promise<void>> = [];
  readonly watchQueries: Array<Readonly<Record<string, string>>> = [];
  listCalls = 0;

  async listPage(
    _path: string,
    _query: Readonly<Record<string, string>>,
    onItem: (item: unknown) => void,
  ): Promise<{ resourceVersion: string; continue: string }> {
    this.listCalls++;
    const next = this.lists.shift();
    if (next === undefined) throw new Error('unexpected list');
    if (next instanceof Error) throw next;
    for (const item of next.items) onItem(item);
    return { resourceVersion: next.resourceVersion, continue: '' };
  }

  async watch(
    _path: string,
    query: Readonly<Record<string, string>>,
    onEvent: (event: WatchEvent) => void,
    signal?: AbortSignal,
    onOpen?: () => void,
  ): Promise<void> {
    this.watchQueries.push(query);
    const script = this.watches.shift() ?? hang;
    onOpen?.();
    await script(onEvent, signal ?? new AbortController().signal);
  }
}

/** A watch that stays open until aborted. */
function hang(_emit: unknown, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

function record(informer: ListWatch<Obj>): string[] {
  const log: string[] = [];
  informer.on('add', (o) => log.push(`add ${o.metadata.name}@${o.metadata.resourceVersion}`));
  informer.on('update', (o) => log.push(`update ${o.metadata.name}@${o.metadata.resourceVersion}`));
  informer.on('delete', (o) => log.push(`delete ${o.metadata.name}`));
  informer.on('error', (e) => log.push(`error ${(e as Error).message}`));
  return log;
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('ListWatch', () => {
  it('lists, then applies watch events from the list resourceVersion', async () => {
    const client = new FakeClient();
    client.lists.push({ items: [obj('a', '1'), obj('b', '2')], resourceVersion: '10' });
    client.watches.push(async (emit, signal) => {
      emit({ type: 'ADDED', object: obj('c', '11') });
      emit({ type: 'MODIFIED', object: obj('a', '12', 'x') });
      emit({ type: 'MODIFIED', object: obj('a', '12', 'x') });
      emit({ type: 'DELETED', object: obj('b', '13') });
      emit({ type: 'BOOKMARK', object: { metadata: { resourceVersion: '20' } } });
      await hang(emit, signal);
    });
    const informer = new ListWatch<Obj>(client, '/api/v1/things');
    const log = record(informer);
    await informer.start();
    await tick();
    expect(log).toEqual(['add a@1', 'add b@2', 'add c@11', 'update a@12', 'delete b']);
    expect(client.watchQueries[0]).toMatchObject({ resourceVersion: '10', allowWatchBookmarks: 'true' });
    expect(informer.get('a', 'ns')?.data).toBe('x');
    expect(informer.list().map((o) => o.metadata.name)).toEqual(['a', 'c']);
    expect(informer.list('other')).toEqual([]);
    expect(informer.latestResourceVersion()).toBe('20');
    await informer.stop();
  });

  it('reopens an ended watch from the last resourceVersion without listing again', async () => {
    const client = new FakeClient();
    client.lists.push({ items: [], resourceVersion: '5' });
    client.watches.push(async (emit) => emit({ type: 'ADDED', object: obj('a', '6') }));
    const informer = new ListWatch<Obj>(client, '/x');
    record(informer);
    await informer.start();
    await tick();
    expect(client.watchQueries.map((q) => q.resourceVersion)).toEqual(['5', '6']);
    expect(client.listCalls).toBe(1);
    await informer.stop();
  });

  it('lists again after 410 Gone and deletes what disappeared meanwhile', async () => {
    const client = new FakeClient();
    client.lists.push({ items: [obj('a', '1'), obj('b', '2')], resourceVersion: '10' });
    client.lists.push({ items: [obj('b', '2'), obj('c', '30')], resourceVersion: '31' });
    client.watches.push(async () => {
      throw new KubeApiError('GET', '/x', 410, 'Expired', 'too old');
    });
    const informer = new ListWatch<Obj>(client, '/x');
    const log = record(informer);
    await informer.start();
    await tick();
    expect(log).toEqual(['add a@1', 'add b@2', 'delete a', 'add c@30']);
    expect(client.watchQueries.map((q) => q.resourceVersion)).toEqual(['10', '31']);
    await informer.stop();
  });

  it('treats an ERROR 410 event as a reason to list again once the stream ends', async () => {
    const client = new FakeClient();
    client.lists.push({ items: [], resourceVersion: '1' });
    client.lists.push({ items: [obj('z', '9')], resourceVersion: '9' });
    client.watches.push(async (emit) => emit({ type: 'ERROR', object: { code: 410 } }));
    const informer = new ListWatch<Obj>(client, '/x');
    const log = record(informer);
    await informer.start();
    await tick();
    expect(log).toEqual(['add z@9']);
    expect(client.listCalls).toBe(2);
    await informer.stop();
  });

  it('reports other failures through error and resumes from its resourceVersion on start()', async () => {
    const client = new FakeClient();
    client.lists.push(new Error('connection refused'));
    client.lists.push({ items: [obj('a', '1')], resourceVersion: '3' });
    client.watches.push(async () => {
      throw new KubeApiError('GET', '/x', 0, '', 'socket hang up');
    });
    const informer = new ListWatch<Obj>(client, '/x');
    const log = record(informer);
    await informer.start();
    expect(log).toEqual(['error connection refused']);
    await informer.start();
    await tick();
    expect(log.slice(1)).toEqual(['add a@1', 'error GET "/x" failed: socket hang up']);
    await informer.start();
    await tick();
    expect(client.listCalls).toBe(2);
    expect(client.watchQueries.map((q) => q.resourceVersion)).toEqual(['3', '3']);
    await informer.stop();
  });

  it('caches and hands out what transform returns', async () => {
    const client = new FakeClient();
    client.lists.push({ items: [obj('a', '1', 'big')], resourceVersion: '1' });
    const informer = new ListWatch<Obj>(client, '/x', { transform: (o) => ({ metadata: o.metadata }) });
    const seen: Obj[] = [];
    informer.on('add', (o) => seen.push(o));
    await informer.start();
    expect(seen[0]?.data).toBeUndefined();
    expect(informer.get('a', 'ns')?.data).toBeUndefined();
    await informer.stop();
  });

  it('emits nothing after stop()', async () => {
    const client = new FakeClient();
    client.lists.push({ items: [], resourceVersion: '1' });
    let emitLater: ((event: WatchEvent) => void) | undefined;
    client.watches.push(async (emit, signal) => {
      emitLater = emit;
      await hang(emit, signal);
    });
    const informer = new ListWatch<Obj>(client, '/x');
    const log = record(informer);
    await informer.start();
    await informer.stop();
    emitLater?.({ type: 'ADDED', object: obj('late', '2') });
    expect(log).toEqual([]);
  });
});
