import { describe, expect, it } from 'vitest';
import { warmUpResponders } from './warm-up-responders.ts';

describe('warmUpResponders', () => {
  it('drives the answer path itself: every synthetic request is answered', () => {
    // Two frames per round (an ARP request and a solicitation): a frame that missed the answer
    // path (wrong target, bad checksum, filtered) would warm the wrong code and show here.
    expect(warmUpResponders(100)).toBe(200);
  });
});
