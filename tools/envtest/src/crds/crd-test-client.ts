/** Small helpers for the CRD integration tests: create metallb.io objects and read the verdict. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { type HttpKubeClient, KubeApiError } from '@baremetal-lb/kube';
import { parseAllDocuments } from 'yaml';
import { createTestNamespace } from '../create-test-namespace.ts';
import { openKubeClient } from '../open-kube-client.ts';

/** What the API server said to a create: the stored (or dry-run) object, or why it refused. */
export type Verdict = {
  readonly accepted: boolean;
  /** The error status of a refusal (422: invalid); undefined when accepted. */
  readonly status: number | undefined;
  /** The refusal's message; '' when accepted. */
  readonly message: string;
  /** The object as the server returned it (defaults applied); undefined when refused. */
  readonly body: unknown;
};

/** Kind → plural and the one version served (BGPPeer: v1beta2 only, see its CRD). */
const resources: Readonly<Record<string, { readonly plural: string; readonly version: string }>> = {
  IPAddressPool: { plural: 'ipaddresspools', version: 'v1beta1' },
  L2Advertisement: { plural: 'l2advertisements', version: 'v1beta1' },
  ServiceL2Status: { plural: 'servicel2statuses', version: 'v1beta1' },
  BGPPeer: { plural: 'bgppeers', version: 'v1beta2' },
  BGPAdvertisement: { plural: 'bgpadvertisements', version: 'v1beta1' },
  Community: { plural: 'communities', version: 'v1beta1' },
  BFDProfile: { plural: 'bfdprofiles', version: 'v1beta1' },
  ServiceBGPStatus: { plural: 'servicebgpstatuses', version: 'v1beta1' },
};

function resourceOf(kind: string): { readonly plural: string; readonly version: string } {
  const resource = resources[kind];
  if (resource === undefined) throw new Error(`unknown metallb.io kind "${kind}"`);
  return resource;
}

type MetallbObject = {
  readonly kind: string;
  readonly metadata: { readonly name?: string; readonly namespace?: string };
};

export function resourcePath(kind: string, namespace: string, name?: string, subresource?: string): string {
  const { plural, version } = resourceOf(kind);
  const base = `/apis/metallb.io/${version}/namespaces/${namespace}/${plural}`;
  return [base, name, subresource].filter((part) => part !== undefined).join('/');
}

/** POSTs the object (to its own namespace, default `namespace`); `dryRun` validates without storing. */
export async function createObject(
  client: HttpKubeClient,
  object: MetallbObject,
  options: { readonly namespace?: string; readonly dryRun?: boolean } = {},
): Promise<Verdict> {
  const namespace = object.metadata.namespace ?? options.namespace ?? 'default';
  try {
    const body = await client.request('POST', resourcePath(object.kind, namespace), {
      body: { apiVersion: `metallb.io/${resourceOf(object.kind).version}`, ...object },
      ...(options.dryRun ? { query: { dryRun: 'All' } } : {}),
    });
    return { accepted: true, status: undefined, message: '', body };
  } catch (error) {
    if (!(error instanceof KubeApiError) || error.status === 0) throw error;
    return { accepted: false, status: error.status, message: error.message, body: undefined };
  }
}

export type Example = {
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
};

/** The documents of a file in fixtures/ (MetalLB documentation examples). */
export async function readExamples(file: string): Promise<Example[]> {
  const text = await readFile(path.join(import.meta.dirname, 'fixtures', file), 'utf8');
  return parseAllDocuments(text).map((document) => document.toJS() as Example);
}

/**
 * A client (close it after the tests), a fresh test namespace, and namespace metallb-system (which
 * MetalLB's examples name), created once and shared by the test files.
 */
export async function prepareCrdTests(
  kubeconfigPath: string,
  prefix: string,
): Promise<{ readonly api: HttpKubeClient; readonly namespace: string }> {
  const api = openKubeClient(kubeconfigPath);
  const namespace = await createTestNamespace(kubeconfigPath, prefix);
  try {
    await api.request('POST', '/api/v1/namespaces', { body: { metadata: { name: 'metallb-system' } } });
  } catch (error) {
    if (!(error instanceof KubeApiError && error.isConflict)) throw error;
  }
  return { api, namespace };
}
