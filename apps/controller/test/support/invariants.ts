import { parseIp } from '@baremetal-lb/ipam';
import type { Service } from '@baremetal-lb/kube';

/**
 * Problems with the final state: Services without an IP, IPs outside `inRange`, and IPs shared
 * by Services that may not share (different or no sharing key, different backend, repeated port).
 */
export function findViolations(services: readonly Service[], inRange: (ip: string) => boolean): string[] {
  const problems: string[] = [];
  const byIp = new Map<string, Service[]>();
  for (const service of services) {
    const ips = (service.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? '');
    if (ips.length === 0) problems.push(`${service.metadata.name} has no IP`);
    for (const ip of ips) {
      if (parseIp(ip) === undefined || !inRange(ip))
        problems.push(`${service.metadata.name} has ${ip} outside the pools`);
      byIp.set(ip, [...(byIp.get(ip) ?? []), service]);
    }
  }
  for (const [ip, holders] of byIp) {
    if (holders.length < 2) continue;
    const keys = new Set(holders.map((s) => s.metadata.annotations?.['metallb.io/allow-shared-ip'] ?? ''));
    const policies = new Set(holders.map((s) => s.spec?.externalTrafficPolicy ?? 'Cluster'));
    const ports = holders.flatMap((s) =>
      (s.spec?.ports ?? []).map((p) => `${p.protocol ?? 'TCP'}/${p.port}`),
    );
    if (keys.size !== 1 || keys.has('') || policies.size !== 1 || new Set(ports).size !== ports.length) {
      problems.push(`${ip} shared by incompatible ${holders.map((s) => s.metadata.name).join(', ')}`);
    }
  }
  return problems;
}
