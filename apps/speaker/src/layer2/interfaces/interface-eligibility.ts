/**
 * Which interfaces a speaker answers on (MetalLB's rules): skip interfaces that are down,
 * loopback, NOARP, members of a bond or bridge (the master answers), and names matching the
 * exclude list (container and overlay plumbing by default). ARP needs an IPv4 address on the
 * interface; NDP needs an IPv6 link-local address to answer from.
 */

/** What the speaker knows of one interface (from interface discovery). */
export type InterfaceInfo = {
  readonly name: string;
  readonly index: number;
  /** Lower-case colon-separated MAC, e.g. `02:00:00:00:00:01`. */
  readonly mac: string;
  readonly up: boolean;
  readonly loopback: boolean;
  readonly noArp: boolean;
  /** Kind of the master device when enslaved (`bond`, `bridge`, `vrf`, ...). */
  readonly masterKind?: string | undefined;
  readonly ipv4: readonly string[];
  /** IPv6 link-local unicast addresses (fe80::/10). */
  readonly ipv6LinkLocal: readonly string[];
};

/** MetalLB's default exclude list: container, virtual-bridge and overlay interfaces. */
export const defaultExcludeInterfacePatterns: readonly string[] = [
  '^docker.*',
  '^cbr.*',
  '^dummy.*',
  '^virbr.*',
  '^lxcbr.*',
  '^veth.*',
  '^lo$',
  '^cali.*',
  '^tunl.*',
  '^flannel.*',
  '^kube-ipvs.*',
  '^cni.*',
  '^nodelocaldns.*',
  '^lxc.*',
];

export const IneligibleReason = {
  down: 'down',
  loopback: 'loopback',
  noArp: 'noArp',
  enslaved: 'enslaved',
  excluded: 'excluded',
  noAddress: 'noAddress',
} as const;
export type IneligibleReason = (typeof IneligibleReason)[keyof typeof IneligibleReason];

export type Eligibility = {
  readonly arp: boolean;
  readonly ndp: boolean;
  /** Why neither protocol runs here, when that is so. */
  readonly reason?: IneligibleReason;
};

/** Compiles exclude patterns; throws SyntaxError naming the bad pattern. */
export function compileExcludePatterns(patterns: readonly string[]): readonly RegExp[] {
  return patterns.map((p) => {
    try {
      return new RegExp(p);
    } catch (cause) {
      throw new SyntaxError(`invalid interface exclude pattern "${p}"`, { cause });
    }
  });
}

/** Decides whether ARP and NDP responders run on `ifi`. */
export function interfaceEligibility(ifi: InterfaceInfo, exclude: readonly RegExp[]): Eligibility {
  if (!ifi.up) return { arp: false, ndp: false, reason: IneligibleReason.down };
  if (ifi.loopback) return { arp: false, ndp: false, reason: IneligibleReason.loopback };
  if (ifi.masterKind === 'bond' || ifi.masterKind === 'bridge') {
    return { arp: false, ndp: false, reason: IneligibleReason.enslaved };
  }
  if (exclude.some((re) => re.test(ifi.name)))
    return { arp: false, ndp: false, reason: IneligibleReason.excluded };
  // NOARP devices (tunnels, some virtual links) have no neighbour discovery at all.
  if (ifi.noArp) return { arp: false, ndp: false, reason: IneligibleReason.noArp };
  const arp = ifi.ipv4.length > 0;
  const ndp = ifi.ipv6LinkLocal.length > 0;
  if (!arp && !ndp) return { arp, ndp, reason: IneligibleReason.noAddress };
  return { arp, ndp };
}
