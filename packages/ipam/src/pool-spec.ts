import type { LabelSelector } from './label-selector.ts';

/** Which services a pool serves, and in what order pools are tried (MetalLB `serviceAllocation`). */
export interface ServiceAllocation {
  /** Lower positive value is tried first; 0 or unset sorts after every positive priority. */
  readonly priority?: number;
  /** Namespace names; the namespace condition holds when a name OR a namespace selector matches. */
  readonly namespaces?: readonly string[];
  readonly namespaceSelectors?: readonly LabelSelector[];
  /** Service label selectors, ORed; ANDed with the namespace condition. */
  readonly serviceSelectors?: readonly LabelSelector[];
}

/** An IPAddressPool's spec plus its name. */
export interface PoolSpec {
  readonly name: string;
  /** CIDRs (`192.0.2.0/28`, `2001:db8::/64`) or inclusive ranges (`192.0.2.10-192.0.2.20`). */
  readonly addresses: readonly string[];
  /** Default true. False: only used when a request names the pool or asks for an IP inside it. */
  readonly autoAssign?: boolean;
  /** Default false. True: never hand out IPv4 addresses ending in .0 or .255. */
  readonly avoidBuggyIPs?: boolean;
  readonly serviceAllocation?: ServiceAllocation;
}
