/**
 * The BGP lab's addresses, all in the benchmarking range 198.18.0.0/15 so the lab never meets the
 * /24s that the quick start, the speaker e2e and create-lab's tests bridge on the host
 * (198.51.100.0/24, 203.0.113.0/24), nor the real cluster's 198.18.100.0/24.
 */
export const bgpLabAddresses = {
  /** Nodes m1, w1, w2 at .11–.13, the router at .14 (API server .1 when bridged on the host). */
  nodeLan: '198.18.110.0/24',
  /** The router's second LAN: router .1, client .100. */
  clientLan: '198.18.111.0/24',
  /**
   * LoadBalancer IPs, routed by the client through the router: the walkthrough's pool is
   * 198.18.112.200–.250, the bench's 198.18.113.0/24 and 198.18.116.0/22.
   */
  pool: '198.18.112.0/21',
  nodeIpv6: '2001:db8:b90::/64',
} as const;

export const nodeAsn = 64500;
export const routerAsn = 64501;
