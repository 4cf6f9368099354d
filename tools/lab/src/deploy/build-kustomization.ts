/**
 * `kubectl kustomize DIR` as objects: with kubectl when it is on PATH, otherwise with a built-in
 * builder for exactly what deploy/kustomization.yaml uses (a `resources` list of files and a
 * `namespace`), which fails on any other kustomization field.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { KustomizeError } from '../lab-error.ts';
import { hasCommand } from '../prerequisites.ts';
import { runCommand } from '../run-command.ts';
import { type KubeObject, parseManifests } from './kube-manifest.ts';

export const KustomizeBuilder = { kubectl: 'kubectl', builtIn: 'built-in' } as const;
export type KustomizeBuilder = (typeof KustomizeBuilder)[keyof typeof KustomizeBuilder];

export type BuiltKustomization = { readonly builder: KustomizeBuilder; readonly objects: KubeObject[] };

const knownFields = new Set(['apiVersion', 'kind', 'namespace', 'resources']);

/** Kinds without a namespace (the built-in types this repository's manifests use). */
const clusterScopedKinds = new Set([
  'Namespace',
  'CustomResourceDefinition',
  'ClusterRole',
  'ClusterRoleBinding',
  'PriorityClass',
  'StorageClass',
  'IngressClass',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
]);

export async function buildKustomization(
  dir: string,
  builder?: KustomizeBuilder,
): Promise<BuiltKustomization> {
  const chosen = builder ?? (hasCommand('kubectl') ? KustomizeBuilder.kubectl : KustomizeBuilder.builtIn);
  if (chosen === KustomizeBuilder.kubectl) {
    const { stdout } = await runCommand('kubectl', ['kustomize', dir]);
    return { builder: chosen, objects: parseManifests(stdout, 'kubectl kustomize') };
  }
  return { builder: chosen, objects: await buildBuiltIn(dir) };
}

function withNamespace(object: KubeObject, namespace: string): KubeObject {
  let result: KubeObject = object;
  if (!clusterScopedKinds.has(object.kind)) {
    result = { ...result, metadata: { ...result.metadata, namespace } };
  }
  // Like kustomize: ServiceAccount subjects of (Cluster)RoleBindings follow the namespace.
  const subjects = result.subjects;
  if ((object.kind === 'RoleBinding' || object.kind === 'ClusterRoleBinding') && Array.isArray(subjects)) {
    result = {
      ...result,
      subjects: subjects.map((s: { kind?: string }) =>
        s.kind === 'ServiceAccount' ? { ...s, namespace } : s,
      ),
    };
  }
  return result;
}

async function buildBuiltIn(dir: string): Promise<KubeObject[]> {
  const file = path.join(dir, 'kustomization.yaml');
  const spec = parse(await readFile(file, 'utf8')) as Record<string, unknown> | null;
  if (spec === null || typeof spec !== 'object') throw new KustomizeError(file, 'not a YAML map');
  for (const key of Object.keys(spec)) {
    if (!knownFields.has(key))
      throw new KustomizeError(file, `field "${key}" is not supported by the built-in builder`);
  }
  const namespace = spec.namespace;
  if (namespace !== undefined && typeof namespace !== 'string')
    throw new KustomizeError(file, '"namespace" is not a string');
  const resources = spec.resources ?? [];
  if (!Array.isArray(resources)) throw new KustomizeError(file, '"resources" is not a list');
  const objects: KubeObject[] = [];
  for (const resource of resources) {
    if (typeof resource !== 'string' || resource.includes('://')) {
      throw new KustomizeError(file, `resource "${String(resource)}" is not a local file`);
    }
    const resourcePath = path.join(dir, resource);
    if (!(await stat(resourcePath)).isFile()) {
      throw new KustomizeError(file, `resource "${resource}" is a directory; only files are supported`);
    }
    const parsed = parseManifests(await readFile(resourcePath, 'utf8'), resource);
    objects.push(...(namespace === undefined ? parsed : parsed.map((o) => withNamespace(o, namespace))));
  }
  return objects;
}
