import { randomBytes } from 'node:crypto';
import { withKubeClient } from './open-kube-client.ts';

/**
 * Creates a namespace `PREFIX-xxxxxx` with the admin kubeconfig and returns its name. Tests share
 * one API server and isolate by namespace; there is no controller-manager, so a deleted namespace
 * never finishes terminating — make a new one instead of reusing a name.
 */
export async function createTestNamespace(
  kubeconfigPath: string,
  prefix: string,
  labels: Readonly<Record<string, string>> = {},
): Promise<string> {
  const name = `${prefix}-${randomBytes(3).toString('hex')}`;
  await withKubeClient(kubeconfigPath, (client) =>
    client.request('POST', '/api/v1/namespaces', { body: { metadata: { name, labels } } }),
  );
  return name;
}
