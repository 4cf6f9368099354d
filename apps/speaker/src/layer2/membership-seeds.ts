/**
 * Membership addresses from Node objects: every node's InternalIP of the bind family as a seed,
 * and this node's own as the address others should use (a wildcard bind address is no address).
 */
import { isIPv6 } from 'node:net';
import type { Node } from '@baremetal-lb/kube';
import { formatUdpAddress } from '@baremetal-lb/leader';
import { nodeInternalIps } from '../k8s/build-speaker-state.ts';

export type MembershipAddresses = {
  readonly seeds: readonly string[];
  readonly advertise: string | undefined;
};

export function membershipAddresses(
  nodes: readonly Node[],
  self: string,
  bindAddr: string,
  port: number,
): MembershipAddresses {
  const wantV6 = isIPv6(bindAddr);
  const wildcard = bindAddr === '0.0.0.0' || bindAddr === '::';
  const seeds: string[] = [];
  let advertise: string | undefined = wildcard ? undefined : formatUdpAddress(bindAddr, port);
  for (const node of nodes) {
    const ip = nodeInternalIps(node).find((a) => isIPv6(a) === wantV6);
    if (ip === undefined) continue;
    const address = formatUdpAddress(ip, port);
    if (node.metadata?.name === self) advertise ??= address;
    else seeds.push(address);
  }
  return { seeds: seeds.sort(), advertise };
}
