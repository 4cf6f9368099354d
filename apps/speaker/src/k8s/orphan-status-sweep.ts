/**
 * Deletes the status objects (ServiceL2Status, ServiceBGPStatus) that nobody else will: those of
 * a Service that no longer exists, or of a Node that no longer exists. A node's own speaker
 * deletes what it no longer announces, and the garbage collector deletes a Node's objects with it
 * (owner reference), but a Service deleted while the node that announced it was down leaves its
 * objects behind, and so do objects written without an owner (older versions; a Node not yet in
 * the cache). One speaker sweeps: the first live member by name (run-speaker.ts), so the nodes do
 * not all list every object. Objects younger than `minAgeMs` are kept: the Service or Node they
 * name may be newer than this speaker's caches.
 */
import { KubeApiError, type KubeClient, type KubeObject, type WatchClient } from '@baremetal-lb/kube';
import { metallbGroup, metallbVersion, ServiceL2StatusLabel } from './metallb-resources.ts';

/** Which objects to delete (pure). */
export function orphanStatuses(
  objects: readonly KubeObject[],
  exists: { service(namespace: string, name: string): boolean; node(name: string): boolean },
  nowMs: number,
  minAgeMs: number,
): string[] {
  return objects
    .filter((o) => {
      const created = Date.parse(o.metadata.creationTimestamp ?? '');
      if (!(nowMs - created >= minAgeMs)) return false;
      const labels = o.metadata.labels ?? {};
      const node = labels[ServiceL2StatusLabel.node];
      const namespace = labels[ServiceL2StatusLabel.serviceNamespace];
      const name = labels[ServiceL2StatusLabel.serviceName];
      if (node === undefined || namespace === undefined || name === undefined) return false;
      return !exists.node(node) || !exists.service(namespace, name);
    })
    .map((o) => o.metadata.name);
}

/** Lists every status object of both kinds in `namespace` page by page and deletes the orphans. */
export async function sweepOrphanStatuses(
  client: KubeClient & Pick<WatchClient, 'listPage'>,
  namespace: string,
  exists: Parameters<typeof orphanStatuses>[1],
  nowMs: number,
  minAgeMs: number,
  /** Objects per list page. */
  pageSize = 500,
): Promise<string[]> {
  const deleted: string[] = [];
  for (const plural of ['servicel2statuses', 'servicebgpstatuses']) {
    const collection = `/apis/${metallbGroup}/${metallbVersion}/namespaces/${namespace}/${plural}`;
    const objects: KubeObject[] = [];
    let next = '';
    do {
      const meta = await client.listPage(
        collection,
        { limit: String(pageSize), ...(next === '' ? {} : { continue: next }) },
        (item) => objects.push(item as KubeObject),
      );
      next = meta.continue;
    } while (next !== '');
    for (const name of orphanStatuses(objects, exists, nowMs, minAgeMs)) {
      await client.request('DELETE', `${collection}/${name}`).catch((error: unknown) => {
        if (!(error instanceof KubeApiError && error.isNotFound)) throw error;
      });
      deleted.push(`${plural}/${name}`);
    }
  }
  return deleted;
}
