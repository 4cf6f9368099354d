/** Small helpers for the CRD integration tests: create metallb.io objects and read the verdict. */
import { type ApiConnection, sendApiRequest } from '../api-request.ts';

export type Verdict = {
  readonly accepted: boolean;
  readonly status: number;
  readonly message: string;
  readonly body: unknown;
};

const plurals: Readonly<Record<string, string>> = {
  IPAddressPool: 'ipaddresspools',
  L2Advertisement: 'l2advertisements',
  ServiceL2Status: 'servicel2statuses',
};

type MetallbObject = {
  readonly kind: string;
  readonly metadata: { readonly name?: string; readonly namespace?: string };
};

export function resourcePath(kind: string, namespace: string, name?: string, subresource?: string): string {
  const plural = plurals[kind];
  if (plural === undefined) throw new Error(`unknown metallb.io kind "${kind}"`);
  const base = `/apis/metallb.io/v1beta1/namespaces/${namespace}/${plural}`;
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
    body: { apiVersion: 'metallb.io/v1beta1', ...object },
  });
  const body = JSON.parse(response.body) as { message?: string };
  return {
    accepted: response.status === 201 || response.status === 200,
    status: response.status,
    message: body.message ?? '',
    body,
  };
}
