import { describe, expect, it } from 'vitest';
import {
  compileExcludePatterns,
  defaultExcludeInterfacePatterns,
  type InterfaceInfo,
  interfaceEligibility,
} from './interface-eligibility.ts';

const defaults = compileExcludePatterns(defaultExcludeInterfacePatterns);

function ifi(overrides: Partial<InterfaceInfo> = {}): InterfaceInfo {
  return {
    name: 'eth0',
    index: 2,
    mac: '02:00:00:00:00:01',
    up: true,
    loopback: false,
    noArp: false,
    ipv4: ['192.0.2.2'],
    ipv6LinkLocal: ['fe80::1'],
    ...overrides,
  };
}

describe('interfaceEligibility', () => {
  it('runs ARP and NDP on an ordinary interface', () => {
    expect(interfaceEligibility(ifi(), defaults)).toEqual({ arp: true, ndp: true });
  });

  it.each([
    [{ up: false }, 'down'],
    [{ loopback: true, name: 'lo' }, 'loopback'],
    [{ noArp: true }, 'noArp'],
    [{ masterKind: 'bond' }, 'enslaved'],
    [{ masterKind: 'bridge' }, 'enslaved'],
    [{ name: 'veth1234' }, 'excluded'],
    [{ name: 'docker0' }, 'excluded'],
    [{ name: 'cali1' }, 'excluded'],
    [{ ipv4: [], ipv6LinkLocal: [] }, 'noAddress'],
  ] as const)('skips %o (%s)', (overrides, reason) => {
    expect(interfaceEligibility(ifi(overrides), defaults)).toMatchObject({ arp: false, ndp: false, reason });
  });

  it('runs only the protocol it has an address for', () => {
    expect(interfaceEligibility(ifi({ ipv6LinkLocal: [] }), defaults)).toEqual({ arp: true, ndp: false });
    expect(interfaceEligibility(ifi({ ipv4: [] }), defaults)).toEqual({ arp: false, ndp: true });
  });

  it('answers on a VRF member and on veth once the exclude list is overridden', () => {
    expect(interfaceEligibility(ifi({ masterKind: 'vrf' }), defaults).arp).toBe(true);
    expect(interfaceEligibility(ifi({ name: 'veth1' }), compileExcludePatterns(['^lo$'])).arp).toBe(true);
  });

  it('names a bad pattern', () => {
    expect(() => compileExcludePatterns(['(', '^ok$'])).toThrow(/"\("/);
  });
});
