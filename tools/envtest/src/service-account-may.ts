import type { KubeClient } from '@baremetal-lb/kube';

/** What a SubjectAccessReview asks about (authorization.k8s.io/v1 ResourceAttributes). */
export type ResourceAttributes = {
  readonly verb: string;
  readonly resource: string;
  readonly group?: string;
  readonly subresource?: string;
  readonly namespace?: string;
  readonly name?: string;
};

/**
 * Whether RBAC lets the ServiceAccount `namespace/name` do it: a SubjectAccessReview sent with
 * `admin`, naming the groups the API server gives every ServiceAccount token.
 */
export async function serviceAccountMay(
  admin: KubeClient,
  account: { readonly namespace: string; readonly name: string },
  attributes: ResourceAttributes,
): Promise<boolean> {
  const review = await admin.request<{ status: { allowed: boolean } }>(
    'POST',
    '/apis/authorization.k8s.io/v1/subjectaccessreviews',
    {
      body: {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SubjectAccessReview',
        spec: {
          user: `system:serviceaccount:${account.namespace}:${account.name}`,
          groups: [
            'system:serviceaccounts',
            `system:serviceaccounts:${account.namespace}`,
            'system:authenticated',
          ],
          resourceAttributes: attributes,
        },
      },
    },
  );
  return review.status.allowed;
}
