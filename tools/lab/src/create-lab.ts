/**
 * createLab: several "nodes" and optionally a client, each in its own network namespace with one
 * veth (`eth0`), joined by a bridge (in a namespace of its own, or in the host namespace so host
 * processes can reach the lab) or, for exactly two hosts, by one veth pair. Only documentation
 * addresses; nothing pre-existing on the host is touched; everything is removed by destroy(), on
 * process exit and on SIGINT/SIGTERM, and stale leftovers of crashed runs by the next createLab().
 */
import { checkSubnetFree } from './check-subnet-free.ts';
import { registerCleanup } from './cleanup-registry.ts';
import { type Cidr, formatCidr, parseDocumentationCidr } from './documentation-address.ts';
import { InvalidTopologyError } from './lab-error.ts';
import { LabHost } from './lab-host.ts';
import { checkLabel, hostLinkName, namespaceName } from './lab-names.ts';
import { runCommand, runCommandSync } from './run-command.ts';
import { sweepStaleLabs } from './sweep-stale-labs.ts';

/** Where the hosts' links meet. */
export const LabBridgeMode = {
  /** A bridge in a namespace of its own: fully isolated from the host. */
  namespace: 'namespace',
  /** A bridge in the host namespace with an address, so host processes (an API server) are reachable. */
  host: 'host',
  /** No bridge: exactly two hosts joined by one veth pair. */
  none: 'none',
} as const;
export type LabBridgeMode = (typeof LabBridgeMode)[keyof typeof LabBridgeMode];

export type LabOptions = {
  /** Node labels, or a count (node0, node1, ...). Default 0. */
  readonly nodes?: readonly string[] | number;
  /** Adds a client host: true names it "client". */
  readonly client?: boolean | string;
  /** Default "namespace". */
  readonly bridge?: LabBridgeMode;
  /**
   * A documentation /24 for the hosts: the bridge (host mode) gets .1, node i gets .(11 + i), the
   * client .100. Default 203.0.113.0/24, which host mode refuses (see refuseHostSideSubnet). Give
   * parallel host-mode labs different subnets.
   */
  readonly ipv4Subnet?: string;
  /** A 2001:db8::/32 /64 ending in "::"; same host numbers as IPv4. Default 2001:db8::/64. */
  readonly ipv6Prefix?: string;
};

export type LabBridge = {
  readonly mode: LabBridgeMode;
  /** Namespace that holds the bridge; undefined in host mode (the host namespace). */
  readonly namespace: string | undefined;
  readonly ifname: string;
  /** The bridge's own addresses (host mode only). */
  readonly ipv4Cidr: string | undefined;
  readonly ipv6Cidr: string | undefined;
};

export type Lab = {
  /** Unique per process: `bmlb-<pid>-<seq>`. */
  readonly id: string;
  readonly nodes: readonly LabHost[];
  readonly client: LabHost | undefined;
  /** Nodes then client. */
  readonly hosts: readonly LabHost[];
  readonly bridge: LabBridge | undefined;
  /** Stops spawned processes and removes every namespace and link of the lab; idempotent. */
  destroy(): Promise<void>;
};

let labSequence = 0;

function hostAddresses(
  subnet: Cidr,
  prefix: Cidr,
  hostNumber: number,
): { ipv4Cidr: string; ipv6Cidr: string } {
  const octets = subnet.address.split('.');
  octets[3] = String(hostNumber);
  const ipv4Cidr = formatCidr(parseDocumentationCidr(`${octets.join('.')}/24`));
  const ipv6Cidr = formatCidr(parseDocumentationCidr(`${prefix.address}${hostNumber}/64`));
  return { ipv4Cidr, ipv6Cidr };
}

function parseSubnets(options: LabOptions): { subnet: Cidr; prefix: Cidr } {
  const subnet = parseDocumentationCidr(options.ipv4Subnet ?? '203.0.113.0/24');
  const prefix = parseDocumentationCidr(options.ipv6Prefix ?? '2001:db8::/64');
  if (subnet.family !== 4 || subnet.prefixLength !== 24 || !subnet.address.endsWith('.0')) {
    throw new InvalidTopologyError(`ipv4Subnet "${formatCidr(subnet)}" must be a documentation x.y.z.0/24`);
  }
  if (prefix.family !== 6 || prefix.prefixLength !== 64 || !prefix.address.endsWith('::')) {
    throw new InvalidTopologyError(
      `ipv6Prefix "${formatCidr(prefix)}" must be a 2001:db8 /64 written ending in "::"`,
    );
  }
  return { subnet, prefix };
}

/**
 * 203.0.113.0/24 stays inside namespaces: sandboxed machines (this project's development and CI
 * machines among them) reach their package registries through an address in it, so a host-side
 * route for it cuts off npm, apt and the Go proxy for as long as the lab runs, with no route
 * conflict for checkSubnetFree to see (the host reaches it through its default route).
 */
function refuseHostSideSubnet(subnet: Cidr): void {
  if (subnet.address.startsWith('203.0.113.')) {
    throw new InvalidTopologyError(
      `ipv4Subnet "${formatCidr(subnet)}" cannot be bridged on the host (package registries may be reached through it); use 198.51.100.0/24 or a /24 of 198.18.0.0/15`,
    );
  }
}

function hostLabels(options: LabOptions): { nodes: string[]; client: string | undefined } {
  const nodes =
    typeof options.nodes === 'number'
      ? Array.from({ length: options.nodes }, (_, i) => `node${i}`)
      : [...(options.nodes ?? [])];
  const client = options.client === true ? 'client' : options.client === false ? undefined : options.client;
  const all = [...nodes, ...(client === undefined ? [] : [client])].map(checkLabel);
  if (new Set(all).size !== all.length)
    throw new InvalidTopologyError(`host labels repeat: ${all.join(', ')}`);
  if (nodes.length > 80) throw new InvalidTopologyError('at most 80 nodes (addresses .11 to .90)');
  return { nodes, client };
}

/** Builds a lab; on any failure removes what was built so far and rethrows. */
export async function createLab(options: LabOptions = {}): Promise<Lab> {
  const mode = options.bridge ?? LabBridgeMode.namespace;
  const { subnet, prefix } = parseSubnets(options);
  const labels = hostLabels(options);
  const allLabels = [...labels.nodes, ...(labels.client === undefined ? [] : [labels.client])];
  if (mode === LabBridgeMode.none && allLabels.length !== 2) {
    throw new InvalidTopologyError(`bridge "none" joins exactly two hosts, got ${allLabels.length}`);
  }
  if (allLabels.length === 0) throw new InvalidTopologyError('a lab needs at least one host');

  sweepStaleLabs();
  const seq = labSequence++;
  const id = `bmlb-${process.pid}-${seq}`;
  const namespaces: string[] = [];
  const hostLinks: string[] = [];
  const hosts: LabHost[] = [];
  let destroyed = false;

  const removeSync = (): void => {
    destroyed = true;
    for (const host of hosts) host.killChildrenSync();
    for (const name of namespaces.splice(0)) tryRemove(['netns', 'delete', name]);
    for (const name of hostLinks.splice(0)) tryRemove(['link', 'delete', name]);
  };
  const unregister = registerCleanup(removeSync);

  const ip = (args: readonly string[]) => runCommand('ip', args);
  /** A veth pair: `eth0` in `namespace`, `peer` in `peerNamespace`. */
  const addVeth = (namespace: string, peer: string, peerNamespace: string) =>
    ip([
      '-n',
      namespace,
      'link',
      'add',
      'eth0',
      'type',
      'veth',
      'peer',
      'name',
      peer,
      'netns',
      peerNamespace,
    ]);
  const addNamespace = async (label: string): Promise<string> => {
    const name = namespaceName(process.pid, seq, label);
    await ip(['netns', 'add', name]);
    namespaces.push(name);
    await ip(['-n', name, 'link', 'set', 'lo', 'up']);
    // No duplicate address detection inside the lab: addresses are usable at once, and the lab
    // assigns each address exactly once. Namespace-local sysctls; the host's are untouched.
    await runCommand('ip', [
      'netns',
      'exec',
      name,
      'sysctl',
      '-qw',
      'net.ipv6.conf.all.accept_dad=0',
      'net.ipv6.conf.default.accept_dad=0',
    ]);
    return name;
  };

  try {
    let bridge: LabBridge | undefined;
    if (mode === LabBridgeMode.namespace) {
      const namespace = await addNamespace('bridge');
      await ip(['-n', namespace, 'link', 'add', 'br0', 'type', 'bridge']);
      await ip(['-n', namespace, 'link', 'set', 'br0', 'up']);
      bridge = { mode, namespace, ifname: 'br0', ipv4Cidr: undefined, ipv6Cidr: undefined };
    } else if (mode === LabBridgeMode.host) {
      // The bridge's .1 goes on the host: refuse a /24 the host already routes (its own uplink,
      // or another lab's bridge), which would break the host's routing.
      refuseHostSideSubnet(subnet);
      await checkSubnetFree(formatCidr(subnet));
      const ifname = hostLinkName(process.pid, seq, 'br');
      await ip(['link', 'add', ifname, 'type', 'bridge']);
      hostLinks.push(ifname);
      const { ipv4Cidr, ipv6Cidr } = hostAddresses(subnet, prefix, 1);
      // Only our own new bridge's sysctl; no DAD so the address is usable at once.
      await runCommand('sysctl', ['-qw', `net.ipv6.conf.${ifname}.accept_dad=0`]);
      await ip(['addr', 'add', ipv4Cidr, 'dev', ifname]);
      await ip(['addr', 'add', ipv6Cidr, 'dev', ifname, 'nodad']);
      await ip(['link', 'set', ifname, 'up']);
      bridge = { mode, namespace: undefined, ifname, ipv4Cidr, ipv6Cidr };
    }

    for (const [index, label] of allLabels.entries()) {
      const namespace = await addNamespace(label);
      const hostNumber = label === labels.client ? 100 : 11 + index;
      hosts.push(
        new LabHost({
          name: label,
          namespace,
          ifname: 'eth0',
          isDestroyed: () => destroyed,
          ...hostAddresses(subnet, prefix, hostNumber),
        }),
      );
    }

    if (mode === LabBridgeMode.none) {
      const [a, b] = hosts as [LabHost, LabHost];
      await addVeth(a.namespace, 'eth0', b.namespace);
    } else {
      for (const [index, host] of hosts.entries()) {
        if (bridge?.namespace !== undefined) {
          const port = `v${index}`;
          await addVeth(host.namespace, port, bridge.namespace);
          await ip(['-n', bridge.namespace, 'link', 'set', port, 'master', 'br0', 'up']);
        } else if (bridge !== undefined) {
          const port = hostLinkName(process.pid, seq, `v${index}`);
          await ip(['link', 'add', port, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', host.namespace]);
          hostLinks.push(port);
          await ip(['link', 'set', port, 'master', bridge.ifname, 'up']);
        }
      }
    }

    for (const host of hosts) {
      await ip(['-n', host.namespace, 'addr', 'add', host.ipv4Cidr, 'dev', 'eth0']);
      await ip(['-n', host.namespace, 'addr', 'add', host.ipv6Cidr, 'dev', 'eth0', 'nodad']);
      await ip(['-n', host.namespace, 'link', 'set', 'eth0', 'up']);
    }
    await Promise.all(hosts.map((host) => host.refresh()));

    const nodeCount = labels.nodes.length;
    return {
      id,
      nodes: hosts.slice(0, nodeCount),
      client: labels.client === undefined ? undefined : hosts[nodeCount],
      hosts,
      bridge,
      async destroy() {
        if (destroyed) return;
        destroyed = true;
        await Promise.all(hosts.map((host) => host.stopChildren()));
        unregister();
        removeSync();
      },
    };
  } catch (error) {
    unregister();
    removeSync();
    throw error;
  }
}

function tryRemove(args: readonly string[]): void {
  try {
    runCommandSync('ip', args);
  } catch {
    // Already gone (a veth disappears with its peer's namespace).
  }
}
