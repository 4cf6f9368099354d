/**
 * The lab's stand-in for kube-proxy: iptables NAT rules in a node's namespace that send traffic
 * for a LoadBalancer IP and port to the ready endpoints, spread at random like kube-proxy's
 * iptables mode, and masquerade what is forwarded to another node so replies come back the same
 * way. One chain per lab, replaced atomically with `iptables-restore --noflush`.
 */
import type { LabHost } from '../lab-host.ts';
import { runCommand } from '../run-command.ts';

export type ServiceRule = {
  readonly ip: string;
  readonly port: number;
  readonly protocol: 'tcp' | 'udp';
  /** "ip:port" of every ready endpoint. */
  readonly endpoints: readonly string[];
};

export const kubeProxyChain = 'BMLB-LAB-SERVICES';

/**
 * iptables-restore input for the nat table. Endpoint i of n gets probability 1/(n-i) among the
 * rules still left, so each endpoint receives 1/n of new connections.
 */
export function renderKubeProxyRules(services: readonly ServiceRule[]): string {
  const lines = ['*nat', `:${kubeProxyChain} - [0:0]`, `-F ${kubeProxyChain}`];
  for (const service of services) {
    const match = `-A ${kubeProxyChain} -d ${service.ip}/32 -p ${service.protocol} -m ${service.protocol} --dport ${service.port}`;
    const n = service.endpoints.length;
    if (n === 0) {
      // No endpoint: refuse, as kube-proxy does (REJECT lives in the filter table; drop here).
      lines.push(`${match} -j DROP`);
      continue;
    }
    for (const [i, endpoint] of service.endpoints.entries()) {
      const left = n - i;
      const random = left > 1 ? ` -m statistic --mode random --probability ${(1 / left).toFixed(10)}` : '';
      lines.push(`${match}${random} -j DNAT --to-destination ${endpoint}`);
    }
  }
  lines.push('COMMIT', '');
  return lines.join('\n');
}

/** One-time setup in a node namespace: forwarding on, the chain hooked into PREROUTING, masquerade. */
export async function installKubeProxy(host: LabHost): Promise<void> {
  // Namespace-local sysctl: the node forwards to pods on other nodes, as a real node does.
  await host.exec('sysctl', ['-qw', 'net.ipv4.ip_forward=1']);
  await applyKubeProxyRules(host, []);
  await host.exec('iptables', ['-t', 'nat', '-A', 'PREROUTING', '-j', kubeProxyChain]);
  // Connections sent on to another node leave with this node's address, so the replies return
  // here to be un-NATed (locally delivered traffic never reaches POSTROUTING).
  await host.exec('iptables', [
    '-t',
    'nat',
    '-A',
    'POSTROUTING',
    '-m',
    'conntrack',
    '--ctstate',
    'DNAT',
    '-j',
    'MASQUERADE',
  ]);
}

/** Replaces the rules in `host`'s namespace. */
export async function applyKubeProxyRules(host: LabHost, services: readonly ServiceRule[]): Promise<void> {
  await runCommand('ip', ['netns', 'exec', host.namespace, 'iptables-restore', '--noflush'], {
    input: renderKubeProxyRules(services),
  });
}
