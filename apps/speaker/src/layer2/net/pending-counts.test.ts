import { describe, expect, it } from 'vitest';
import { PendingCounts } from './pending-counts.ts';

describe('PendingCounts', () => {
  it('sums by kind and label and starts again after take', () => {
    const c = new PendingCounts();
    expect(c.empty).toBe(true);
    c.add('arp', 'replied');
    c.add('arp', 'replied');
    c.add('ndp', 'replied');
    c.add('request', '198.51.100.7');
    expect(c.empty).toBe(false);
    expect(c.take()).toEqual([
      ['arp', 'replied', 2],
      ['ndp', 'replied', 1],
      ['request', '198.51.100.7', 1],
    ]);
    expect(c.empty).toBe(true);
    expect(c.take()).toEqual([]);
    c.add('arp', 'replied');
    expect(c.take()).toEqual([['arp', 'replied', 1]]);
  });

  it('forgets labels that were not counted between two takes, and counts them again later', () => {
    const c = new PendingCounts();
    c.add('request', '198.51.100.7');
    c.add('request', '198.51.100.8');
    c.take();
    c.add('request', '198.51.100.8');
    // .7 was idle for the whole period: forgotten here, not reported as 0.
    expect(c.take()).toEqual([['request', '198.51.100.8', 1]]);
    expect(c.take()).toEqual([]);
    c.add('request', '198.51.100.7');
    expect(c.take()).toEqual([['request', '198.51.100.7', 1]]);
  });
});
