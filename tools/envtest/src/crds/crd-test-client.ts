/** Small helpers for the CRD integration tests: create metallb.io objects and read the verdict. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { type ApiConnection, sendApiRequest } from '../api-request.ts';
import { createTestNamespace } from '../create-test-namespace.ts';
import { readKubeconfig } from '../kubeconfig.ts';

export type Verdict = {
  readonly accepted: boolean;
  readonly status: number;
  readonly message: string;
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
  connection: ApiConnection,
  object: MetallbObject,
  options: { readonly namespace?: string; readonly dryRun?: boolean } = {},
): Promise<Verdict> {
  const namespace = object.metadata.namespace ?? options.namespace ?? 'default';
  const query = options.dryRun ? '?dryRun=All' : '';
  const response = await sendApiRequest(connection, {
    method: 'POST',
    path: `${resourcePath(object.kind, namespace)}${query}`,
    body: { apiVersion: `metallb.io/${resourceOf(object.kind).version}`, ...object },
  });
  const body = JSON.parse(response.body) as { message?: string };
  return {
    accepted: response.status === 201 || response.status === 200,
    status: response.status,
    message: body.message ?? '',
    body,
  };
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
 * A connection, a fresh test namespace, and namespace metallb-system (which MetalLB's examples
 * name), created once and shared by the test files.
 */
export async function prepareCrdTests(
  kubeconfigPath: string,
  prefix: string,
): Promise<{ readonly api: ApiConnection; readonly namespace: string }> {
  const api = await readKubeconfig(kubeconfigPath);
  const namespace = await createTestNamespace(kubeconfigPath, prefix);
  const created = await sendApiRequest(api, {
    method: 'POST',
    path: '/api/v1/namespaces',
    body: { metadata: { name: 'metallb-system' } },
  });
  if (created.status !== 201 && created.status !== 409)
    throw new Error(`creating namespace metallb-system returned ${created.status}: ${created.body}`);
  return { api, namespace };
}
