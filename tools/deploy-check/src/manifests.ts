/**
 * Kubernetes manifests as plain objects: parse the multi-document YAML that helm, kustomize and
 * kubectl print (YAML 1.1 like their Go parsers; empty documents dropped), name objects, sort
 * them for comparison, and drop the metadata Helm adds to the objects of a release.
 */
import { parseAllDocuments } from 'yaml';
import { DeployCheckError, DeployCheckErrorCode } from './deploy-check-error.ts';

export type KubeObject = {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
    readonly [key: string]: unknown;
  };
  readonly [key: string]: unknown;
};

/** Parses every non-empty document; throws ERR_DEPLOY_CHECK_BAD_MANIFEST on anything else. */
export function parseManifests(text: string, source = 'manifest'): KubeObject[] {
  const objects: KubeObject[] = [];
  for (const doc of parseAllDocuments(text, { version: '1.1' })) {
    if (doc.errors.length > 0) {
      throw new DeployCheckError(DeployCheckErrorCode.badManifest, `${source}: ${doc.errors[0]?.message}`);
    }
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    const object = value as Partial<KubeObject>;
    if (typeof object.kind !== 'string' || typeof object.metadata?.name !== 'string') {
      throw new DeployCheckError(
        DeployCheckErrorCode.badManifest,
        `${source}: a document without kind or metadata.name`,
      );
    }
    objects.push(object as KubeObject);
  }
  return objects;
}

/** "Kind namespace/name", or "Kind name" for cluster-scoped objects. */
export function objectKey(object: KubeObject): string {
  const { namespace, name } = object.metadata;
  return `${object.kind} ${namespace === undefined ? '' : `${namespace}/`}${name}`;
}

/** A sorted copy, so two renderings compare independently of file and document order. */
export function sortObjects(objects: readonly KubeObject[]): KubeObject[] {
  return [...objects].sort((a, b) => objectKey(a).localeCompare(objectKey(b)));
}

/** What `helm install` adds to every object of a release (Helm's ownership markers). */
const helmLabels = ['app.kubernetes.io/managed-by'];
const helmAnnotations = ['meta.helm.sh/release-name', 'meta.helm.sh/release-namespace'];

function without(
  map: Readonly<Record<string, string>> | undefined,
  keys: readonly string[],
): Record<string, string> | undefined {
  if (map === undefined) return undefined;
  const rest = Object.fromEntries(Object.entries(map).filter(([key]) => !keys.includes(key)));
  return Object.keys(rest).length === 0 ? undefined : rest;
}

/** The object without the labels and annotations Helm adds (and without maps left empty). */
export function withoutHelmMetadata(object: KubeObject): KubeObject {
  const { labels, annotations, ...metadata } = object.metadata;
  const keptLabels = without(labels, helmLabels);
  const keptAnnotations = without(annotations, helmAnnotations);
  return {
    ...object,
    metadata: {
      ...metadata,
      ...(keptLabels === undefined ? {} : { labels: keptLabels }),
      ...(keptAnnotations === undefined ? {} : { annotations: keptAnnotations }),
    },
  };
}
