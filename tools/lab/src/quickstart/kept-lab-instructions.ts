/**
 * What `npm run lab -- --keep` prints once the quick start is done: how to reach the lab, and
 * plainly what it can and cannot do. The lab plays the kubelet, the EndpointSlice controller and
 * kube-proxy for its own app only, so a Service the user creates gets an IP (the controller is
 * real) but has no endpoints, so no speaker announces it and nothing forwards to it; saying so
 * spares the user from hunting for a fault that is the lab's limit.
 */
import { appName, appNamespace, servicePort } from './quickstart-app.ts';
import type { QuickstartCluster } from './quickstart-cluster.ts';
import type { QuickstartResult } from './run-quickstart.ts';

export function keptLabInstructions(
  cluster: Pick<QuickstartCluster, 'api' | 'kubectlBinary' | 'client' | 'nodes' | 'runDir'>,
  result: Pick<QuickstartResult, 'loadBalancerIp'>,
): string {
  const client = cluster.client.namespace;
  return `
The lab keeps running. In another shell, as root:

  export KUBECONFIG=${cluster.api.kubeconfigPath}
  alias kubectl=${cluster.kubectlBinary}   # v1.34.4, built from source like the API server
  kubectl get nodes,pods,svc,endpointslices -o wide
  kubectl -n metallb-system get ipaddresspools,l2advertisements,servicel2statuses
  kubectl get events -A
  ip netns exec ${client} curl http://${result.loadBalancerIp}/hostname
  ip netns exec ${client} arping -c 3 -I eth0 ${result.loadBalancerIp}

What this lab can and cannot do. The API server, the controller and the speakers are real; the
kubelets, the EndpointSlice controller and kube-proxy are played by the lab, for its own app only
(Service ${appNamespace}/${appName}, port ${servicePort}, its two pods). So:
  - pools, L2Advertisements and Services you create are handled by the real controller and
    speakers: a new LoadBalancer Service gets its EXTERNAL-IP, events and a ServiceL2Status;
  - but no pod runs for a Deployment you create, and no EndpointSlice or forwarding rule is made
    for any Service but ${appName}: your Service has no ready endpoint, so no speaker announces
    its IP (as in MetalLB) and arping and curl to it get no answer.
  A real cluster, with kubelets and kube-proxy, has none of these limits.

Node namespaces: ${cluster.nodes.map((n) => `${n.name}=${n.host.namespace}`).join(' ')}
Logs: ${cluster.runDir}/logs
Press Ctrl-C to tear everything down.
`;
}
