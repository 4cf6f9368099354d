/** What `npm run lab` and its e2e test need from the host. */
import { apiServerNeeds } from '../cluster/api-server-process.ts';
import { kubectlNeeds } from '../cluster/kubectl.ts';
import type { Needs } from '../prerequisites.ts';

export function quickstartNeeds(): Needs {
  return {
    root: true,
    commands: [
      { name: 'ip', debianPackage: 'iproute2' },
      { name: 'arping', debianPackage: 'iputils-arping' },
      { name: 'curl', debianPackage: 'curl' },
      { name: 'iptables', debianPackage: 'iptables' },
      { name: 'iptables-restore', debianPackage: 'iptables' },
      // Go once for both, when kube-apiserver, etcd or kubectl is not built yet.
      ...(apiServerNeeds().commands ?? kubectlNeeds().commands ?? []),
    ],
  };
}
