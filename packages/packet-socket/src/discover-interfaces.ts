/**
 * Interface discovery over rtnetlink (through the addon's generic socket), optionally inside
 * another network namespace: name, index, MAC, MTU, flags, master, kind, VLAN ID and every IPv4
 * and IPv6 address including link-local. Netlink rather than /sys/class/net plus `ip -j`: one
 * source for links and addresses, no child processes, and the same socket type gives change
 * notifications (watch-interfaces.ts).
 */
import { AF_NETLINK, NETLINK_ROUTE, SOCK_RAW } from './linux-constants.ts';
import { callNative, loadAddon, type NativeSocket, netnsPath } from './native-addon.ts';
import {
  type AddressMessage,
  decodeRouteMessages,
  encodeDumpRequest,
  type LinkMessage,
  RouteMessageType,
} from './netlink/route-messages.ts';
import { InterfaceNotFoundError, SocketError, SocketOp } from './packet-socket-error.ts';

export type InterfaceFlags = {
  readonly up: boolean;
  readonly broadcast: boolean;
  readonly loopback: boolean;
  readonly pointToPoint: boolean;
  readonly running: boolean;
  readonly noarp: boolean;
  readonly promiscuous: boolean;
  readonly multicast: boolean;
  /** The driver signals carrier (IFF_LOWER_UP). */
  readonly lowerUp: boolean;
};

export const AddressScope = {
  global: 'global',
  site: 'site',
  link: 'link',
  host: 'host',
  nowhere: 'nowhere',
} as const;
export type AddressScope = (typeof AddressScope)[keyof typeof AddressScope];

export type InterfaceAddress = {
  readonly family: 4 | 6;
  readonly address: string;
  readonly prefixLength: number;
  readonly scope: AddressScope;
  /** IPv6 duplicate address detection still running: not usable yet. */
  readonly tentative: boolean;
  readonly deprecated: boolean;
};

export type NetworkInterface = {
  readonly name: string;
  readonly index: number;
  /** Lower-case "aa:bb:cc:dd:ee:ff"; '' for links without a hardware address. */
  readonly mac: string;
  readonly mtu: number;
  readonly flags: InterfaceFlags;
  /** Link kind from the kernel ("bridge", "bond", "veth", "vlan"...); undefined for plain NICs. */
  readonly kind: string | undefined;
  /** Name of the bridge or bond this interface is a member of. */
  readonly master: string | undefined;
  /** 802.1Q VLAN ID of a VLAN interface. */
  readonly vlanId: number | undefined;
  /** Name of a VLAN interface's parent. */
  readonly parent: string | undefined;
  readonly addresses: readonly InterfaceAddress[];
};

export type DiscoverOptions = {
  /** Network namespace: a name under /run/netns or a path; default the caller's own. */
  readonly netns?: string;
};

const IFF = {
  up: 0x1,
  broadcast: 0x2,
  loopback: 0x8,
  pointToPoint: 0x10,
  running: 0x40,
  noarp: 0x80,
  promiscuous: 0x100,
  multicast: 0x1000,
  lowerUp: 0x10000,
};
const IFA_F_DEPRECATED = 0x20;
const IFA_F_TENTATIVE = 0x40;
/** Dump datagrams are at most 32 KiB; twice that leaves room. */
const netlinkReceiveBytes = 65_536;

function decodeFlags(flags: number): InterfaceFlags {
  return {
    up: (flags & IFF.up) !== 0,
    broadcast: (flags & IFF.broadcast) !== 0,
    loopback: (flags & IFF.loopback) !== 0,
    pointToPoint: (flags & IFF.pointToPoint) !== 0,
    running: (flags & IFF.running) !== 0,
    noarp: (flags & IFF.noarp) !== 0,
    promiscuous: (flags & IFF.promiscuous) !== 0,
    multicast: (flags & IFF.multicast) !== 0,
    lowerUp: (flags & IFF.lowerUp) !== 0,
  };
}

function decodeScope(scope: number): AddressScope {
  if (scope === 0) return AddressScope.global;
  if (scope === 200) return AddressScope.site;
  if (scope === 253) return AddressScope.link;
  if (scope === 254) return AddressScope.host;
  return AddressScope.nowhere;
}

/** Joins link and address messages into interfaces, ordered by index. Pure. */
export function assembleInterfaces(
  links: readonly LinkMessage[],
  addresses: readonly AddressMessage[],
): NetworkInterface[] {
  const names = new Map(links.map((link) => [link.index, link.name] as const));
  return [...links]
    .filter((link) => !link.deleted)
    .sort((a, b) => a.index - b.index)
    .map((link) => ({
      name: link.name,
      index: link.index,
      mac: link.mac,
      mtu: link.mtu,
      flags: decodeFlags(link.flags),
      kind: link.kind,
      master: link.masterIndex === undefined ? undefined : names.get(link.masterIndex),
      vlanId: link.vlanId,
      parent:
        link.kind === 'vlan' && link.parentIndex !== undefined ? names.get(link.parentIndex) : undefined,
      addresses: addresses
        .filter((address) => address.index === link.index && !address.deleted)
        .map((address) => ({
          family: address.family,
          address: address.address,
          prefixLength: address.prefixLength,
          scope: decodeScope(address.scope),
          tentative: (address.flags & IFA_F_TENTATIVE) !== 0,
          deprecated: (address.flags & IFA_F_DEPRECATED) !== 0,
        })),
    }));
}

/** Opens a NETLINK_ROUTE socket in `netns` (the caller's namespace by default). */
export function openRouteSocket(netns: string | undefined): NativeSocket {
  const { Socket } = loadAddon('netlink sockets');
  return callNative(
    SocketOp.open,
    '',
    () => new Socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE, netnsPath(netns)),
  );
}

let sequence = 1;

/** Sends one dump request and collects the answer up to NLMSG_DONE. */
function dump(
  socket: NativeSocket,
  type: typeof RouteMessageType.getLink | typeof RouteMessageType.getAddress,
) {
  callNative(SocketOp.send, '', () => socket.send(encodeDumpRequest(type, sequence++)));
  const messages = [];
  // The kernel builds each dump part inside recv(), so data is always ready until NLMSG_DONE;
  // the idle limit only guards against a kernel that never finishes.
  for (let idle = 0; idle < 10_000; ) {
    const datagram = callNative(SocketOp.receive, '', () => socket.receive(netlinkReceiveBytes));
    if (datagram === null) {
      idle++;
      continue;
    }
    const batch = decodeRouteMessages(datagram);
    if (batch.errno !== undefined)
      throw new SocketError({ op: SocketOp.receive, errno: batch.errno, ifname: '' });
    messages.push(...batch.messages);
    if (batch.done) return messages;
  }
  throw new SocketError({ op: SocketOp.receive, errno: 62 /* ETIME */, ifname: '' });
}

/** Every interface of the namespace with its addresses. */
export function discoverInterfaces(options: DiscoverOptions = {}): NetworkInterface[] {
  const socket = openRouteSocket(options.netns);
  try {
    const links = dump(socket, RouteMessageType.getLink).filter((m): m is LinkMessage => m.type === 'link');
    const addresses = dump(socket, RouteMessageType.getAddress).filter(
      (m): m is AddressMessage => m.type === 'address',
    );
    return assembleInterfaces(links, addresses);
  } finally {
    socket.close();
  }
}

/** The interface called `name`; throws InterfaceNotFoundError. */
export function findInterface(name: string, options: DiscoverOptions = {}): NetworkInterface {
  const found = discoverInterfaces(options).find((candidate) => candidate.name === name);
  if (found === undefined) throw new InterfaceNotFoundError(name);
  return found;
}
