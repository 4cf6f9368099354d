import { describe, expect, it } from 'vitest';
import { buildConfiguration } from './build-configuration.ts';
import { selectL2ForService } from './select-l2-for-service.ts';
import { advertisement, labeled, pool } from './test-objects.test.helper.ts';

const nodes = [labeled('hostA', { zone: 'a' }), labeled('hostB', { zone: 'b' })];

describe('selectL2ForService', () => {
  it('unions interfaces per node, as in MetalLB advanced L2 docs (eno1 everywhere, ens18 on hostB)', () => {
    const config = buildConfiguration({
      pools: [pool('pool1', ['192.0.2.0/28']), pool('pool2', ['198.51.100.0/28'])],
      l2Advertisements: [
        advertisement('example-advertisement9', { interfaces: ['eno1'] }),
        advertisement('example-advertisement10', {
          ipAddressPools: ['pool1'],
          nodeSelectors: [{ matchLabels: { zone: 'b' } }],
          interfaces: ['ens18'],
        }),
      ],
      nodes,
    });
    const plan = selectL2ForService(config.l2Advertisements, 'pool1', {});
    expect([...plan]).toEqual([
      ['hostA', { interfaces: ['eno1'], preference: 0, advertisements: ['example-advertisement9'] }],
      [
        'hostB',
        {
          interfaces: ['eno1', 'ens18'],
          preference: 0,
          advertisements: ['example-advertisement10', 'example-advertisement9'],
        },
      ],
    ]);
    expect(selectL2ForService(config.l2Advertisements, 'pool2', {}).get('hostB')?.interfaces).toEqual([
      'eno1',
    ]);
  });

  it('lets an advertisement without interfaces win with "all"', () => {
    const config = buildConfiguration({
      pools: [pool('p', ['192.0.2.0/28'])],
      l2Advertisements: [advertisement('some', { interfaces: ['eth1'] }), advertisement('every')],
      nodes,
    });
    expect(selectL2ForService(config.l2Advertisements, 'p', undefined).get('hostA')?.interfaces).toBe('all');
  });

  it('filters by service selectors and sums preferences over matching advertisements', () => {
    const config = buildConfiguration({
      pools: [pool('p', ['192.0.2.0/28'])],
      l2Advertisements: [
        advertisement('web-only', {
          serviceSelectors: [{ matchLabels: { app: 'web' } }],
          preferredNodeSelectors: [{ weight: 10, preference: { matchLabels: { zone: 'a' } } }],
        }),
        advertisement('zone-b', {
          nodeSelectors: [{ matchLabels: { zone: 'b' } }],
          preferredNodeSelectors: [{ weight: 7, preference: {} }],
        }),
        advertisement('also-a', {
          preferredNodeSelectors: [{ weight: 5, preference: { matchLabels: { zone: 'a' } } }],
        }),
      ],
      nodes,
    });
    const web = selectL2ForService(config.l2Advertisements, 'p', { app: 'web' });
    expect([...web].map(([node, plan]) => [node, plan.preference])).toEqual([
      ['hostA', 15],
      ['hostB', 7],
    ]);
    const db = selectL2ForService(config.l2Advertisements, 'p', { app: 'db' });
    expect([...db].map(([node, plan]) => [node, plan.preference, plan.advertisements])).toEqual([
      ['hostA', 5, ['also-a']],
      ['hostB', 7, ['also-a', 'zone-b']],
    ]);
  });

  it('is empty for a pool no advertisement covers', () => {
    const config = buildConfiguration({
      pools: [pool('p', ['192.0.2.0/28']), pool('q', ['198.51.100.0/28'])],
      l2Advertisements: [advertisement('only-p', { ipAddressPools: ['p'] })],
      nodes,
    });
    expect(selectL2ForService(config.l2Advertisements, 'q', {}).size).toBe(0);
    expect(selectL2ForService([], 'p', {}).size).toBe(0);
  });
});
