/** The README's usage example, run as written, with the results it shows. */
import { describe, expect, it } from 'vitest';
import { Allocator } from './allocator.ts';
import { IpamError } from './ipam-error.ts';
import { findPoolOverlaps, validatePoolSpec } from './pool-validation.ts';

describe('README example', () => {
  it('behaves as documented', () => {
    const pools = [
      { name: 'lab', addresses: ['192.0.2.0/28', '2001:db8::/120'] },
      { name: 'reserved', addresses: ['198.51.100.10-198.51.100.20'], autoAssign: false },
    ];
    expect(pools.flatMap(validatePoolSpec)).toEqual([]);
    expect(findPoolOverlaps(pools)).toEqual([]);
    const allocator = new Allocator(pools);
    expect(allocator.allocate({ key: 'vm-1' })).toEqual({
      serviceKey: 'vm-1',
      pool: 'lab',
      ips: ['192.0.2.0'],
    });
    expect(
      allocator.allocate({ key: 'vm-2', ipFamilyPolicy: 'RequireDualStack', ipFamilies: ['IPv6', 'IPv4'] }),
    ).toEqual({ serviceKey: 'vm-2', pool: 'lab', ips: ['192.0.2.1', '2001:db8::'] });
    expect(allocator.allocate({ key: 'vm-3', pool: 'reserved' }).ips).toEqual(['198.51.100.10']);
    expect(allocator.allocate({ key: 'vm-4', requestedIPs: ['198.51.100.20'] }).ips).toEqual([
      '198.51.100.20',
    ]);
    allocator.allocate({ key: 'dns-tcp', sharingKey: 'dns', ports: [{ protocol: 'TCP', port: 53 }] });
    allocator.allocate({ key: 'dns-udp', sharingKey: 'dns', ports: [{ protocol: 'UDP', port: 53 }] });
    expect(allocator.holdersOf('192.0.2.2')).toEqual(['dns-tcp', 'dns-udp']);
    let caught: unknown;
    try {
      allocator.allocate({ key: 'vm-5', requestedIPs: ['192.0.2.0'] });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(IpamError);
    expect([(caught as IpamError).code, (caught as IpamError).message]).toEqual([
      'ERR_IPAM_SHARING_CONFLICT',
      '192.0.2.0 is held by "vm-1", which does not allow sharing',
    ]);
    const restored = new Allocator(pools);
    expect(restored.assign({ key: 'vm-1' }, ['192.0.2.0']).ips).toEqual(['192.0.2.0']);
    allocator.release('vm-1');
    expect(allocator.poolStats('lab')).toEqual({
      pool: 'lab',
      ipv4: { total: 16n, inUse: 2, available: 14n },
      ipv6: { total: 256n, inUse: 1, available: 255n },
    });
    expect(allocator.setPools([{ name: 'lab', addresses: ['192.0.2.0/30'] }])).toEqual([
      'vm-2',
      'vm-3',
      'vm-4',
    ]);
  });
});
