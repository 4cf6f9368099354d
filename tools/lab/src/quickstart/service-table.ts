/** `kubectl get svc`-style table of Services, for the lab's printout. */
import type { V1Service } from '@kubernetes/client-node';

function age(created: Date | undefined, now: Date): string {
  if (created === undefined) return '<unknown>';
  const seconds = Math.max(0, Math.floor((now.getTime() - created.getTime()) / 1000));
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 120 ? `${minutes}m` : `${Math.floor(minutes / 60)}h`;
}

function ports(service: V1Service): string {
  const list = service.spec?.ports ?? [];
  if (list.length === 0) return '<none>';
  return list
    .map((p) => `${p.port}${p.nodePort === undefined ? '' : `:${p.nodePort}`}/${p.protocol ?? 'TCP'}`)
    .join(',');
}

function externalIp(service: V1Service): string {
  const ingress = service.status?.loadBalancer?.ingress ?? [];
  const ips = ingress.map((i) => i.ip ?? i.hostname).filter((x): x is string => x !== undefined);
  if (ips.length > 0) return ips.join(',');
  return service.spec?.type === 'LoadBalancer' ? '<pending>' : '<none>';
}

/** Columns as kubectl prints them: NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE. */
export function formatServiceTable(services: readonly V1Service[], now = new Date()): string {
  const rows = [
    ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE'],
    ...services.map((s) => [
      s.metadata?.name ?? '',
      s.spec?.type ?? 'ClusterIP',
      s.spec?.clusterIP ?? '<none>',
      externalIp(s),
      ports(s),
      age(s.metadata?.creationTimestamp, now),
    ]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i]! + 3))
        .join('')
        .trimEnd(),
    )
    .join('\n');
}
