import { describe, expect, it } from 'vitest';
import type { DesiredRoute } from './desired-routes.ts';
import { routeChanges } from './route-changes.ts';

const route = (prefix: string, communities: string[] = []): DesiredRoute => ({
  prefix,
  localPref: undefined,
  communities,
  largeCommunities: [],
});
const both = { ipv4: true, ipv6: true };

describe('routeChanges', () => {
  it('new, changed, unchanged and gone prefixes', () => {
    const first = routeChanges(new Map(), [route('198.18.0.1/32'), route('198.18.0.2/32')], both);
    expect(first.announce.map((r) => r.prefix)).toEqual(['198.18.0.1/32', '198.18.0.2/32']);
    expect(first.withdraw).toEqual([]);
    const second = routeChanges(
      first.sent,
      [route('198.18.0.2/32', ['64512:1']), route('198.18.0.3/32')],
      both,
    );
    expect(second.announce).toEqual([
      { prefix: '198.18.0.2/32', communities: ['64512:1'] },
      { prefix: '198.18.0.3/32' },
    ]);
    expect(second.withdraw).toEqual(['198.18.0.1/32']);
    const third = routeChanges(
      second.sent,
      [route('198.18.0.2/32', ['64512:1']), route('198.18.0.3/32')],
      both,
    );
    expect(third).toMatchObject({ announce: [], withdraw: [] });
  });

  it('only the families the session carries', () => {
    const routes = [route('198.18.0.1/32'), route('2001:db8:5::1/128')];
    expect(routeChanges(new Map(), routes, { ipv4: true, ipv6: false }).announce).toEqual([
      { prefix: '198.18.0.1/32' },
    ]);
    expect(routeChanges(new Map(), routes, { ipv4: false, ipv6: true }).announce).toEqual([
      { prefix: '2001:db8:5::1/128' },
    ]);
  });
});
