/**
 * Addresses of the real-cluster lab, all in the benchmarking range 198.18.0.0/15 (RFC 2544), so it
 * never meets the documentation /24s the simulated lab and the other suites bridge on the host:
 * the node bridge 198.18.100.0/24 (host end .1 with the API server, nodes .11-.13, client .100,
 * LoadBalancer pool .200-.250), one pod /24 per node in 198.19.0.0/16, Services in
 * 198.19.240.0/20. Pod and Service addresses exist only inside the node namespaces.
 */
export const clusterSubnet = '198.18.100.0/24';
export const clusterIpv6Prefix = '2001:db8:16::/64';
export const clusterCidr = '198.19.0.0/16';
export const serviceCidr = '198.19.240.0/20';

/** Node i's pod range: 198.19.(i+1).0/24 (198.19.240.0/20 and up stays free for Services). */
export function podCidrOf(index: number): string {
  return `198.19.${index + 1}.0/24`;
}

/** "198.18.100." + n. */
export function clusterAddress(n: number, subnet: string = clusterSubnet): string {
  return `${subnet.split('.').slice(0, 3).join('.')}.${n}`;
}
