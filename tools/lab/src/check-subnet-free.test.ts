import { describe, expect, it } from 'vitest';
import { findSubnetUse } from './check-subnet-free.ts';

describe('findSubnetUse', () => {
  const hostRoutes = [
    { dst: 'default', gateway: '192.0.2.1', dev: 'eth0' },
    { dst: '192.0.2.0/24', dev: 'eth0' },
    { dst: '10.0.0.0/8', dev: 'tun0' },
  ];

  it('finds the host uplink, its gateway and other bridges in the subnet', () => {
    expect(findSubnetUse('192.0.2.0/24', hostRoutes, [])).toBe('gateway 192.0.2.1 on eth0');
    expect(findSubnetUse('192.0.2.0/24', [{ dst: '192.0.2.0/24', dev: 'eth0' }], [])).toBe(
      'route 192.0.2.0/24 on eth0',
    );
    expect(findSubnetUse('198.51.100.0/24', [{ dst: '198.51.100.7', dev: 'br9' }], [])).toBe(
      'route 198.51.100.7 on br9',
    );
    expect(findSubnetUse('198.51.100.0/24', [{ dst: '198.51.0.0/16', dev: 'x' }], [])).toBe(
      'route 198.51.0.0/16 on x',
    );
    expect(
      findSubnetUse(
        '203.0.113.0/24',
        [],
        [{ ifname: 'dummy0', addr_info: [{ local: '203.0.113.9', prefixlen: 32 }] }],
      ),
    ).toBe('address 203.0.113.9/32 on dummy0');
  });

  it('accepts a subnet nothing on the host touches', () => {
    expect(
      findSubnetUse('198.51.100.0/24', hostRoutes, [
        { ifname: 'eth0', addr_info: [{ local: '192.0.2.2', prefixlen: 24 }] },
      ]),
    ).toBeUndefined();
    expect(
      findSubnetUse(
        '203.0.113.0/24',
        [
          { dst: '203.0.112.0/24', dev: 'x' },
          { dst: '203.0.114.0/23', dev: 'y' },
        ],
        [],
      ),
    ).toBeUndefined();
  });
});
