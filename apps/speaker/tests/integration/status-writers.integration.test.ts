/**
 * The ServiceL2Status and ServiceBGPStatus writers against a real kube-apiserver (deploy/crds,
 * status subresource): each object carries an owner reference to its Node (envtest runs no
 * garbage collector, so what is checked is the reference the collector would follow); a speaker
 * that starts deletes the stale objects its node left (Services it no longer announces,
 * duplicates); this node's objects come from a watch, so a sync costs only its writes (every
 * request is counted: no list before a write, nothing when nothing changed, no object created
 * twice by back-to-back syncs).
 */
import { createTestNamespace, openKubeClient } from '@baremetal-lb/envtest';
import { injectEnvtest } from '@baremetal-lb/envtest/vitest';
import {
  type HttpKubeClient,
  type KubeClient,
  type KubeObject,
  systemClock,
  type WatchClient,
} from '@baremetal-lb/kube';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BgpStatusWriter } from '../../src/bgp/bgp-status-writer.ts';
import { statusLabels } from '../../src/k8s/node-status-objects.ts';
import { sweepOrphanStatuses } from '../../src/k8s/orphan-status-sweep.ts';
import { StatusWriter } from '../../src/layer2/k8s/status-writer.ts';

const envtest = injectEnvtest();

type Listed = KubeObject & {
  readonly metadata: { readonly ownerReferences?: readonly { kind: string; name: string; uid: string }[] };
  readonly status?: { readonly serviceName?: string; readonly interfaces?: readonly { name: string }[] };
};

/** The client, with every non-watch request recorded as `VERB plural[/status]`. */
function countingClient(client: HttpKubeClient): { client: KubeClient & WatchClient; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    client: {
      request: (method, path, options) => {
        const [plural, , subresource] = path.split('/').slice(6);
        calls.push(`${method} ${plural}${subresource === undefined ? '' : `/${subresource}`}`);
        return client.request(method, path, options);
      },
      listPage: (...args) => client.listPage(...args),
      watch: (...args) => client.watch(...args),
    },
  };
}

const l2 = (serviceName: string, interfaces: string[] = []) => ({
  serviceNamespace: 'default',
  serviceName,
  interfaces,
});

describe.skipIf(!envtest)('status writers against the API server', () => {
  let admin: HttpKubeClient;
  let namespace: string;
  let nodeUid: string;
  const node = `status-node-${Math.random().toString(16).slice(2, 8)}`;
  const writers: { stop(): Promise<void> }[] = [];

  beforeAll(async () => {
    admin = openKubeClient(envtest!.kubeconfigPath);
    namespace = await createTestNamespace(envtest!.kubeconfigPath, 'speaker-status');
    const created = await admin.request<KubeObject>('POST', '/api/v1/nodes', {
      body: { metadata: { name: node } },
    });
    nodeUid = created.metadata.uid!;
  });
  afterAll(async () => {
    for (const w of writers) await w.stop();
    await admin?.close();
  });

  const collection = (plural: string) => `/apis/metallb.io/v1beta1/namespaces/${namespace}/${plural}`;
  const list = async (plural: string) =>
    (await admin.request<{ items: Listed[] }>('GET', collection(plural))).items;

  /** A writer of this node over a counting client (stopped after the tests). */
  function writerOf<W extends { stop(): Promise<void> }>(
    Writer: new (options: ConstructorParameters<typeof StatusWriter>[0]) => W,
  ): { writer: W; calls: string[] } {
    const counted = countingClient(admin);
    const writer = new Writer({
      client: counted.client,
      namespace,
      node,
      nodeUid: () => nodeUid,
      clock: systemClock,
    });
    writers.push(writer);
    return { writer, calls: counted.calls };
  }
  const l2Writer = () => writerOf(StatusWriter);

  it('ServiceL2Status: owned by the Node; a sync costs only its writes, and nothing when nothing changed', async () => {
    const { writer, calls } = l2Writer();
    const created = await writer.sync([l2('a'), l2('b')]);
    expect(created.map((c) => c.serviceName)).toEqual(['a', 'b']);
    const objects = await list('servicel2statuses');
    expect(objects).toHaveLength(2);
    for (const o of objects) {
      expect(o.metadata.ownerReferences).toEqual([
        { apiVersion: 'v1', kind: 'Node', name: node, uid: nodeUid },
      ]);
      expect(o.metadata.labels).toMatchObject({ 'metallb.io/node': node });
    }
    // Two creates: POST, then the status (dropped by the API server on create). No list.
    expect(calls).toEqual([
      'POST servicel2statuses',
      'PUT servicel2statuses/status',
      'POST servicel2statuses',
      'PUT servicel2statuses/status',
    ]);

    // Back to back, before the watch may have caught up: nothing created twice.
    calls.length = 0;
    expect(await writer.sync([l2('a'), l2('b'), l2('c')])).toHaveLength(1);
    expect(await writer.sync([l2('a'), l2('b'), l2('c')])).toHaveLength(0);
    expect(calls).toEqual(['POST servicel2statuses', 'PUT servicel2statuses/status']);

    calls.length = 0;
    await writer.sync([l2('a', ['eth1']), l2('b'), l2('c')]);
    expect(calls).toEqual(['PUT servicel2statuses/status']);
    const a = (await list('servicel2statuses')).find((o) => o.status?.serviceName === 'a');
    expect(a?.status?.interfaces).toEqual([{ name: 'eth1' }]);

    calls.length = 0;
    await writer.sync([l2('a', ['eth1']), l2('b'), l2('c')]);
    expect(calls).toEqual([]);
    await writer.sync([l2('a', ['eth1'])]);
    expect(calls).toEqual(['DELETE servicel2statuses', 'DELETE servicel2statuses']);
    expect((await list('servicel2statuses')).map((o) => o.status?.serviceName)).toEqual(['a']);
  });

  it('a speaker that starts deletes its node’s stale ServiceL2Status objects and duplicates', async () => {
    // What a previous run of this node left: a Service it no longer announces, and a duplicate.
    const left = async (service: string) => {
      const o = await admin.request<Listed>('POST', collection('servicel2statuses'), {
        body: {
          apiVersion: 'metallb.io/v1beta1',
          kind: 'ServiceL2Status',
          metadata: { generateName: 'l2-', labels: statusLabels(node, 'default', service) },
        },
      });
      return o.metadata.name;
    };
    await left('gone');
    await left('a');
    const { writer } = l2Writer();
    await writer.sync([l2('a', ['eth1'])]);
    const mine = (await list('servicel2statuses')).filter(
      (o) => o.metadata.labels?.['metallb.io/node'] === node,
    );
    expect(mine.map((o) => o.metadata.labels?.['metallb.io/service-name'])).toEqual(['a']);
  });

  it('statuses that nodes outside the membership left for a Service this node announces are deleted', async () => {
    await admin.request('POST', collection('servicel2statuses'), {
      body: {
        apiVersion: 'metallb.io/v1beta1',
        kind: 'ServiceL2Status',
        metadata: { generateName: 'l2-', labels: statusLabels('dead-node', 'default', 'a') },
      },
    });
    await admin.request('POST', collection('servicel2statuses'), {
      body: {
        apiVersion: 'metallb.io/v1beta1',
        kind: 'ServiceL2Status',
        metadata: { generateName: 'l2-', labels: statusLabels('live-node', 'default', 'a') },
      },
    });
    const { writer } = l2Writer();
    await writer.sync([l2('a', ['eth1'])], new Set([node, 'live-node']));
    const nodes = (await list('servicel2statuses')).map((o) => o.metadata.labels?.['metallb.io/node']).sort();
    expect(nodes).toEqual(['live-node', node].sort());
  });

  it('ServiceBGPStatus: owned by the Node, one request per change', async () => {
    const { writer, calls } = writerOf(BgpStatusWriter);
    const bgp = (serviceName: string, peers: string[]) => ({
      serviceNamespace: 'default',
      serviceName,
      peers,
    });
    await writer.sync([bgp('web', ['frr'])]);
    const [object] = await list('servicebgpstatuses');
    expect(object?.metadata.ownerReferences).toEqual([
      { apiVersion: 'v1', kind: 'Node', name: node, uid: nodeUid },
    ]);
    calls.length = 0;
    await writer.sync([bgp('web', ['bird', 'frr'])]);
    await writer.sync([bgp('web', ['bird', 'frr'])]);
    expect(calls).toEqual(['PUT servicebgpstatuses/status']);
    await writer.sync([]);
    expect(await list('servicebgpstatuses')).toEqual([]);
  });

  it('the orphan sweep deletes, page by page, the objects of Services and Nodes that no longer exist', async () => {
    const body = (kind: string, node: string, service: string) => ({
      apiVersion: 'metallb.io/v1beta1',
      kind,
      metadata: { generateName: 'orphan-', labels: statusLabels(node, 'default', service) },
    });
    for (let i = 0; i < 3; i++) {
      await admin.request('POST', collection('servicel2statuses'), {
        body: body('ServiceL2Status', node, `gone-${i}`),
      });
    }
    await admin.request('POST', collection('servicebgpstatuses'), {
      body: body('ServiceBGPStatus', 'gone-node', 'web'),
    });
    const before = (await list('servicel2statuses')).length;
    expect(before).toBeGreaterThan(2); // more than one page
    const kept = (await list('servicel2statuses')).filter((o) => !o.metadata.name.startsWith('orphan-'));
    const exists = {
      service: (_ns: string, name: string) => !name.startsWith('gone-'),
      node: (name: string) => name !== 'gone-node',
    };
    const deleted = await sweepOrphanStatuses(admin, namespace, exists, Date.now() + 120_000, 60_000, 2);
    expect(deleted).toHaveLength(4);
    const left = new Set((await list('servicel2statuses')).map((o) => o.metadata.name));
    expect([...left].sort()).toEqual(kept.map((o) => o.metadata.name).sort());
    expect(before - left.size).toBe(3);
    expect(await list('servicebgpstatuses')).toEqual([]);
  });
});
