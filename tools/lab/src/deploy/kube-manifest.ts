/**
 * Kubernetes manifests as plain objects: parse multi-document YAML the way kubectl and helm do
 * (YAML 1.1, empty documents dropped), name objects, and sort them for comparison.
 */
import { parseAllDocuments } from 'yaml';

export type KubeObject = {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly [key: string]: unknown };
  readonly [key: string]: unknown;
};

/** Parses every non-empty document; throws on YAML errors or documents that are not objects. */
export function parseManifests(text: string, source = 'manifest'): KubeObject[] {
  const objects: KubeObject[] = [];
  for (const doc of parseAllDocuments(text, { version: '1.1' })) {
    if (doc.errors.length > 0) throw new Error(`${source}: ${doc.errors[0]?.message}`);
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    const object = value as Partial<KubeObject>;
    if (typeof object.kind !== 'string' || typeof object.metadata?.name !== 'string') {
      throw new Error(`${source}: a document without kind or metadata.name`);
    }
    objects.push(object as KubeObject);
  }
  return objects;
}

/** "kind namespace/name", or "kind name" for cluster-scoped objects. */
export function objectKey(object: KubeObject): string {
  const { namespace, name } = object.metadata;
  return `${object.kind} ${namespace === undefined ? '' : `${namespace}/`}${name}`;
}

/** A sorted copy, so two renderings compare independently of file and document order. */
export function sortObjects(objects: readonly KubeObject[]): KubeObject[] {
  return [...objects].sort((a, b) => objectKey(a).localeCompare(objectKey(b)));
}
