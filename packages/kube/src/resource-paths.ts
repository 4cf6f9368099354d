import type { KubeClient } from './kube-client.ts';
import { KubeError } from './kube-error.ts';

/** What names an object's REST path: its apiVersion, kind, namespace and name. */
export type ObjectRef = {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
};

type ApiResource = { readonly name: string; readonly kind: string; readonly namespaced: boolean };

/**
 * REST paths of objects of any kind, from the API server's discovery documents (`/api/v1`,
 * `/apis/GROUP/VERSION`, read once per group version): how kubectl maps a manifest to a URL, so
 * that manifests (deploy/'s RBAC, CRD instances) can be created or applied as they are.
 */
export class ResourcePaths {
  readonly #client: KubeClient;
  readonly #discovered = new Map<string, Promise<readonly ApiResource[]>>();

  constructor(client: KubeClient) {
    this.#client = client;
  }

  /** Where objects like `object` are listed and created (POST). */
  async collectionOf(object: ObjectRef): Promise<string> {
    const base = object.apiVersion.includes('/') ? `/apis/${object.apiVersion}` : `/api/${object.apiVersion}`;
    const resource = (await this.#resources(object.apiVersion, base)).find(
      (r) => r.kind === object.kind && !r.name.includes('/'),
    );
    if (resource === undefined)
      throw new KubeError(
        'ERR_KUBE_UNKNOWN_KIND',
        `the API server serves no kind "${object.kind}" in "${object.apiVersion}"`,
      );
    if (!resource.namespaced) return `${base}/${resource.name}`;
    const namespace = object.metadata?.namespace;
    if (!namespace)
      throw new KubeError(
        'ERR_KUBE_NO_NAMESPACE',
        `${object.kind} "${object.metadata?.name ?? ''}" is namespaced but names no namespace`,
      );
    return `${base}/namespaces/${namespace}/${resource.name}`;
  }

  /** The object's own path (GET, PUT, PATCH including server-side apply, DELETE). */
  async pathOf(object: ObjectRef): Promise<string> {
    const name = object.metadata?.name;
    if (!name) throw new KubeError('ERR_KUBE_NO_NAME', `a ${object.kind} without metadata.name has no path`);
    return `${await this.collectionOf(object)}/${name}`;
  }

  #resources(apiVersion: string, base: string): Promise<readonly ApiResource[]> {
    let resources = this.#discovered.get(apiVersion);
    if (resources === undefined) {
      resources = this.#client
        .request<{ resources?: ApiResource[] }>('GET', base)
        .then((list) => list.resources ?? []);
      // A failed discovery (a CRD not served yet) is asked again next time.
      resources.catch(() => this.#discovered.delete(apiVersion));
      this.#discovered.set(apiVersion, resources);
    }
    return resources;
  }
}
