import { describe, expect, it } from 'vitest';
import { parseArpingReply } from './arp-watch.ts';
import { formatServiceTable } from './service-table.ts';

describe('formatServiceTable', () => {
  it('prints the columns of kubectl get svc, aligned', () => {
    const now = new Date('2026-01-01T00:01:00Z');
    const table = formatServiceTable(
      [
        {
          metadata: { name: 'web', creationTimestamp: new Date('2026-01-01T00:00:55Z') },
          spec: {
            type: 'LoadBalancer',
            clusterIP: '198.19.240.12',
            ports: [{ port: 80, nodePort: 31234, protocol: 'TCP' }],
          },
          status: { loadBalancer: { ingress: [{ ip: '198.51.100.200' }] } },
        },
        {
          metadata: { name: 'pending-one', creationTimestamp: new Date('2025-12-31T20:00:00Z') },
          spec: { type: 'LoadBalancer', clusterIP: '198.19.240.13', ports: [{ port: 53, protocol: 'UDP' }] },
        },
        {
          metadata: { name: 'kubernetes' },
          spec: { type: 'ClusterIP', clusterIP: '198.19.240.1', ports: [] },
        },
      ],
      now,
    );
    expect(table.split('\n')).toEqual([
      'NAME          TYPE           CLUSTER-IP      EXTERNAL-IP      PORT(S)        AGE',
      'web           LoadBalancer   198.19.240.12   198.51.100.200   80:31234/TCP   5s',
      'pending-one   LoadBalancer   198.19.240.13   <pending>        53/UDP         4h',
      'kubernetes    ClusterIP      198.19.240.1    <none>           <none>         <unknown>',
    ]);
  });
});

describe('parseArpingReply', () => {
  it('reads the MAC of an iputils arping reply line, lower-case', () => {
    expect(parseArpingReply('Unicast reply from 198.51.100.200 [0A:1B:2C:3D:4E:5F]  0.712ms')).toBe(
      '0a:1b:2c:3d:4e:5f',
    );
    expect(parseArpingReply('Sent 3 probes (1 broadcast(s))')).toBeUndefined();
    expect(parseArpingReply('ARPING 198.51.100.200 from 198.51.100.100 eth0')).toBeUndefined();
  });
});
