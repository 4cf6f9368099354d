import type { Node } from '@baremetal-lb/kube';
import { describe, expect, it } from 'vitest';
import { membershipAddresses } from './membership-seeds.ts';

function node(name: string, ...ips: string[]): Node {
  return {
    metadata: { name },
    status: { addresses: ips.map((address) => ({ type: 'InternalIP', address })) },
  };
}

describe('membershipAddresses', () => {
  const nodes = [node('a', '192.0.2.11', '2001:db8::11'), node('b', '192.0.2.12'), node('c')];
  it('seeds from the other nodes and advertises our own InternalIP when bound to a wildcard', () => {
    expect(membershipAddresses(nodes, 'a', '0.0.0.0', 7946)).toEqual({
      seeds: ['192.0.2.12:7946'],
      advertise: '192.0.2.11:7946',
    });
  });
  it('uses the bind family and a specific bind address', () => {
    expect(membershipAddresses(nodes, 'b', '::', 7946)).toEqual({
      seeds: ['[2001:db8::11]:7946'],
      advertise: undefined,
    });
    expect(membershipAddresses(nodes, 'a', '192.0.2.11', 1)).toEqual({
      seeds: ['192.0.2.12:1'],
      advertise: '192.0.2.11:1',
    });
  });
});
