import { describe, expect, it } from 'vitest';
import { parsePrefix } from './parse-prefix.ts';
import { normalizeRoute } from './route.ts';

describe('parsePrefix', () => {
  it('canonical keys: one route however it is written; bare addresses are host routes', () => {
    expect(parsePrefix('2001:0db8:0:0::7/128').key).toBe('2001:db8::7/128');
    expect(parsePrefix('2001:db8::7').key).toBe('2001:db8::7/128');
    expect(parsePrefix('198.51.100.7')).toEqual({
      family: 4,
      key: '198.51.100.7/32',
      prefix: { address: 0xc6336407, length: 32 },
    });
  });

  it('rejects host bits, bad lengths and non-addresses with ERR_BGP_INVALID_ROUTE', () => {
    for (const bad of [
      '198.51.100.7/24',
      '198.51.100.0/33',
      '2001:db8::1/64',
      '2001:db8::/129',
      'a/b',
      '198.51.100.0/',
      'fe80::1%eth0',
    ]) {
      expect(() => parsePrefix(bad)).toThrow(expect.objectContaining({ code: 'ERR_BGP_INVALID_ROUTE' }));
    }
  });
});

describe('normalizeRoute', () => {
  it('equal attribute sets share a key whatever the order and duplicates of communities', () => {
    const a = normalizeRoute({ prefix: '203.0.113.1/32', communities: ['65000:2', '65000:1', '65000:1'] });
    const b = normalizeRoute({ prefix: '203.0.113.2/32', communities: [65000 * 65536 + 1, '65000:2'] });
    expect(a.attributesKey).toBe(b.attributesKey);
    expect(a.communities).toEqual([65000 * 65536 + 1, 65000 * 65536 + 2]);
  });

  it('rejects out-of-range communities, large communities, next hops of the other family', () => {
    for (const bad of [
      { communities: ['65536:1'] },
      { largeCommunities: ['1:2'] },
      { largeCommunities: ['4294967296:1:1'] },
      { nextHop: '2001:db8::1' },
      { localPref: -1 },
    ]) {
      expect(() => normalizeRoute({ prefix: '203.0.113.1/32', ...bad })).toThrow(
        expect.objectContaining({ code: 'ERR_BGP_INVALID_ROUTE' }),
      );
    }
  });
});
