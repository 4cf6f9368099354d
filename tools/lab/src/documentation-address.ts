/**
 * The lab assigns only addresses reserved for documentation: 198.51.100.0/24 and 203.0.113.0/24
 * (RFC 5737), 2001:db8::/32 (RFC 3849), plus fe80::/10 link-local (RFC 4291), which never leaves the
 * link, and the benchmarking range 198.18.0.0/15 (RFC 2544, RFC 6815: never routed), which the
 * real-cluster lab uses for its node network, pods and Services so that it leaves the
 * documentation /24s to the other labs. Anything else could collide with a real network, so it is
 * refused. RFC 5737's third range, 192.0.2.0/24, is refused too: the development machines' own
 * uplink is in it (DESIGN.md).
 */
import { BlockList, isIP } from 'node:net';
import { NonDocumentationAddressError } from './lab-error.ts';

const documentation = new BlockList();
documentation.addSubnet('198.51.100.0', 24, 'ipv4');
documentation.addSubnet('203.0.113.0', 24, 'ipv4');
documentation.addSubnet('198.18.0.0', 15, 'ipv4');
documentation.addSubnet('2001:db8::', 32, 'ipv6');
documentation.addSubnet('fe80::', 10, 'ipv6');

/** An address with its prefix length, as `ip address add` takes it. */
export type Cidr = { readonly address: string; readonly prefixLength: number; readonly family: 4 | 6 };

/** Whether `address` (no prefix) lies in a documentation (or the benchmarking) range. */
export function isDocumentationAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  return documentation.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * Parses "198.51.100.10/24" (prefix optional: /32 or /128) and checks that the whole prefix is
 * inside one documentation range; throws NonDocumentationAddressError otherwise.
 */
export function parseDocumentationCidr(text: string): Cidr {
  const [address = '', prefix, extra] = text.split('/');
  const family = isIP(address);
  const max = family === 6 ? 128 : 32;
  const prefixLength = prefix === undefined ? max : Number(prefix);
  const minimum = family === 4 ? 24 : address.toLowerCase().startsWith('fe80') ? 10 : 32;
  if (
    family === 0 ||
    extra !== undefined ||
    !Number.isInteger(prefixLength) ||
    prefix === '' ||
    prefixLength < minimum ||
    prefixLength > max ||
    !isDocumentationAddress(address)
  ) {
    throw new NonDocumentationAddressError(text);
  }
  return { address, prefixLength, family: family === 4 ? 4 : 6 };
}

/** "198.51.100.10/24" from a Cidr. */
export function formatCidr(cidr: Cidr): string {
  return `${cidr.address}/${cidr.prefixLength}`;
}
