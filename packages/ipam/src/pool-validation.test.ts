import { describe, expect, it } from 'vitest';
import { parseAddressEntry } from './address-range.ts';
import { findPoolOverlaps, PoolProblemCode, validatePoolSpec } from './pool-validation.ts';

describe('parseAddressEntry', () => {
  it('parses CIDRs and ranges of both families, spaces around "-" allowed', () => {
    expect(parseAddressEntry('192.0.2.0/30')).toEqual({
      ok: true,
      range: { family: 'IPv4', first: 0xc0000200, last: 0xc0000203, entry: '192.0.2.0/30' },
    });
    const range = parseAddressEntry('2001:db8::10 - 2001:db8::1f');
    expect(range.ok && range.range.first === 0x20010db8000000000000000000000010n).toBe(true);
    expect(range.ok && range.range.last === 0x20010db800000000000000000000001fn).toBe(true);
    expect(parseAddressEntry('192.0.2.7/32').ok).toBe(true);
  });
  it('masks host bits like Go net.ParseCIDR and warns', () => {
    const parsed = parseAddressEntry('192.0.2.5/24');
    expect(parsed.ok && parsed.range.first).toBe(0xc0000200);
    expect(parsed.ok && parsed.warning).toBe('CIDR "192.0.2.5/24" has host bits set; using 192.0.2.0/24');
  });
  it.each([
    ['192.0.2.0/33', 'invalid prefix length'],
    ['192.0.2.0/024', 'invalid prefix length'],
    ['2001:db8::/129', 'invalid prefix length'],
    ['192.0.2.9-192.0.2.1', 'starts after it ends'],
    ['192.0.2.1-2001:db8::1', 'mixes IPv4 and IPv6'],
    ['192.0.2.1', 'neither a CIDR nor a start-end range'],
    ['x/24', 'invalid address'],
  ])('rejects %s (%s)', (entry, why) => {
    const parsed = parseAddressEntry(entry);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.message).toContain(why);
  });
});

describe('validatePoolSpec', () => {
  it('returns no problems for a good pool', () => {
    expect(validatePoolSpec({ name: 'p', addresses: ['192.0.2.0/28', '2001:db8::/120'] })).toEqual([]);
  });
  it('reports host bits as a warning naming the entry', () => {
    expect(validatePoolSpec({ name: 'p', addresses: ['192.0.2.1/28'] })).toEqual([
      {
        severity: 'warning',
        code: PoolProblemCode.hostBitsSet,
        pool: 'p',
        entry: '192.0.2.1/28',
        message: 'pool "p": CIDR "192.0.2.1/28" has host bits set; using 192.0.2.0/28',
      },
    ]);
  });
  it('reports a missing name, no addresses, bad entries, bad priority and bad selectors as errors', () => {
    const codes = (spec: Parameters<typeof validatePoolSpec>[0]) => validatePoolSpec(spec).map((p) => p.code);
    expect(codes({ name: '', addresses: ['192.0.2.0/30'] })).toEqual([PoolProblemCode.invalidName]);
    expect(codes({ name: 'p', addresses: [] })).toEqual([PoolProblemCode.noAddresses]);
    expect(codes({ name: 'p', addresses: ['nope'] })).toEqual([PoolProblemCode.invalidEntry]);
    expect(codes({ name: 'p', addresses: ['192.0.2.0/30'], serviceAllocation: { priority: -1 } })).toEqual([
      PoolProblemCode.invalidPriority,
    ]);
    expect(
      codes({
        name: 'p',
        addresses: ['192.0.2.0/30'],
        serviceAllocation: { serviceSelectors: [{ matchExpressions: [{ key: 'a', operator: 'In' }] }] },
      }),
    ).toEqual([PoolProblemCode.invalidSelector]);
  });
});

describe('findPoolOverlaps', () => {
  it('names both entries and both pools', () => {
    const overlaps = findPoolOverlaps([
      { name: 'a', addresses: ['192.0.2.0/28'] },
      { name: 'b', addresses: ['192.0.2.10-192.0.2.20', '2001:db8::/64'] },
    ]);
    expect(overlaps).toEqual([
      {
        pool: 'a',
        entry: '192.0.2.0/28',
        otherPool: 'b',
        otherEntry: '192.0.2.10-192.0.2.20',
        message: 'address entries "192.0.2.0/28" and "192.0.2.10-192.0.2.20" overlap in pools "a" and "b"',
      },
    ]);
  });
  it('finds overlaps inside one pool and ignores touching ranges and other families', () => {
    expect(
      findPoolOverlaps([{ name: 'a', addresses: ['192.0.2.0/30', '192.0.2.3-192.0.2.9'] }])[0]?.message,
    ).toBe('address entries "192.0.2.0/30" and "192.0.2.3-192.0.2.9" overlap in pool "a"');
    expect(
      findPoolOverlaps([
        { name: 'a', addresses: ['192.0.2.0/30', '2001:db8::/126'] },
        { name: 'b', addresses: ['192.0.2.4/30', '2001:db8::4/126'] },
      ]),
    ).toEqual([]);
  });

  it('survives a pool whose name is not a string (an object with a broken toString)', () => {
    const specs = [
      { name: { toString: 0 }, addresses: ['192.0.2.0/30'] },
      { name: 'b', addresses: ['192.0.2.0/30'] },
    ] as never;
    expect(findPoolOverlaps(specs).map((o) => [o.pool, o.otherPool])).toEqual([
      ['a value of type object', 'b'],
    ]);
  });
});
