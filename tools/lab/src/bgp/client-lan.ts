/**
 * The BGP lab's second LAN: the router gets a second interface (`eth1`, address .1) on a bridge
 * of its own, where the client lives, so the client reaches LoadBalancer IPs only through the
 * router and its ECMP route, as a user behind a top-of-rack router would. The router forwards
 * and hashes flows on ports (fib_multipath_hash_policy 1), so one client's connections spread
 * over the nodes; the nodes route replies for the client's LAN back through the router. All
 * settings are namespace-local.
 */
import { createLab, type Lab, LabBridgeMode } from '../create-lab.ts';
import type { LabHost } from '../lab-host.ts';
import { runCommand } from '../run-command.ts';

export type ClientLanOptions = {
  /** A documentation /24 for the client's LAN: the router gets .1, the client .100. */
  readonly subnet: string;
  /** Where the LoadBalancer IPs are: the client routes it to the router. */
  readonly poolCidr: string;
};

export type ClientLan = {
  readonly client: LabHost;
  /** The router's address on the client's LAN. */
  readonly routerAddress: string;
  /**
   * Routes the client's LAN through the router from `node` (again: a link going down takes the
   * node's routes over it with it).
   */
  routeBack(node: LabHost): Promise<void>;
  /** Removes the client's LAN (the router's eth1 goes with its peer). */
  destroy(): Promise<void>;
};

export async function createClientLan(
  router: LabHost,
  nodes: readonly LabHost[],
  options: ClientLanOptions,
): Promise<ClientLan> {
  const lab: Lab = await createLab({
    client: 'client',
    bridge: LabBridgeMode.namespace,
    ipv4Subnet: options.subnet,
    ipv6Prefix: '2001:db8:b91::/64',
  });
  try {
    const bridge = lab.bridge!.namespace!;
    const client = lab.client!;
    const prefix = options.subnet.split('.').slice(0, 3).join('.');
    const routerAddress = `${prefix}.1`;
    const ip = (args: readonly string[]) => runCommand('ip', args);
    await ip([
      '-n',
      bridge,
      'link',
      'add',
      'router',
      'type',
      'veth',
      'peer',
      'name',
      'eth1',
      'netns',
      router.namespace,
    ]);
    await ip(['-n', bridge, 'link', 'set', 'router', 'master', 'br0', 'up']);
    await ip(['-n', router.namespace, 'addr', 'add', `${routerAddress}/24`, 'dev', 'eth1']);
    await ip(['-n', router.namespace, 'link', 'set', 'eth1', 'up']);
    await router.exec('sysctl', ['-qw', 'net.ipv4.ip_forward=1', 'net.ipv4.fib_multipath_hash_policy=1']);
    await ip(['-n', client.namespace, 'route', 'add', options.poolCidr, 'via', routerAddress]);
    const routeBack = async (node: LabHost) => {
      await ip(['-n', node.namespace, 'route', 'replace', `${prefix}.0/24`, 'via', router.ipv4]);
    };
    for (const node of nodes) await routeBack(node);
    return { client, routerAddress, routeBack, destroy: () => lab.destroy() };
  } catch (error) {
    await lab.destroy();
    throw error;
  }
}
