/**
 * Refuses a lab subnet that the host already uses. A host-mode lab puts the bridge's .1 address
 * in the host namespace; if the host already routes that /24 (its own network, as on machines
 * whose uplink sits in 192.0.2.0/24, or another lab's bridge) the two would fight over routes,
 * and the host could lose its gateway. Nothing is changed here; it only reads `ip -j`.
 */
import { LabError } from './lab-error.ts';
import { runCommand } from './run-command.ts';

type Route = { readonly dst?: string; readonly gateway?: string; readonly dev?: string };
type Link = { readonly ifname: string; readonly addr_info?: readonly { local: string; prefixlen: number }[] };

export class SubnetInUseError extends LabError {
  readonly subnet: string;
  readonly usedBy: string;
  constructor(subnet: string, usedBy: string) {
    super(
      'ERR_LAB_SUBNET_IN_USE',
      `subnet "${subnet}" is already in use on this host (${usedBy}); pick another documentation /24 (createLab's ipv4Subnet; npm run lab -- --subnet)`,
    );
    this.subnet = subnet;
    this.usedBy = usedBy;
  }
}

/** The first three octets of an x.y.z.0/24 as "x.y.z.", or of an address. */
function prefix24(address: string): string {
  return `${address.split('/')[0]!.split('.').slice(0, 3).join('.')}.`;
}

/** Why something on the host overlaps `subnet` (an x.y.z.0/24), or undefined when nothing does. */
export function findSubnetUse(
  subnet: string,
  routes: readonly Route[],
  links: readonly Link[],
): string | undefined {
  const ours = prefix24(subnet);
  for (const route of routes) {
    if (route.gateway?.startsWith(ours)) return `gateway ${route.gateway} on ${route.dev ?? '?'}`;
    if (route.dst === undefined || route.dst === 'default') continue;
    const [network = '', lengthText = '32'] = route.dst.split('/');
    const length = Number(lengthText);
    // A route of /24 or longer inside ours, or a shorter one that contains ours.
    const inside = length >= 24 && network.startsWith(ours);
    const containing = length < 24 && containsV4(network, length, `${ours}0`);
    if (inside || containing) return `route ${route.dst} on ${route.dev ?? '?'}`;
  }
  for (const link of links) {
    for (const a of link.addr_info ?? []) {
      if (a.local.startsWith(ours)) return `address ${a.local}/${a.prefixlen} on ${link.ifname}`;
    }
  }
  return undefined;
}

function toNumber(ip: string): number {
  return ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

function containsV4(network: string, length: number, ip: string): boolean {
  const size = 2 ** (32 - length);
  return Math.floor(toNumber(ip) / size) === Math.floor(toNumber(network) / size);
}

/** Throws SubnetInUseError when the host already uses `subnet`. */
export async function checkSubnetFree(subnet: string): Promise<void> {
  const routes = JSON.parse(
    (await runCommand('ip', ['-j', '-4', 'route', 'show', 'table', 'all'])).stdout || '[]',
  ) as Route[];
  const links = JSON.parse((await runCommand('ip', ['-j', '-4', 'addr', 'show'])).stdout || '[]') as Link[];
  const usedBy = findSubnetUse(subnet, routes, links);
  if (usedBy !== undefined) throw new SubnetInUseError(subnet, usedBy);
}
