import type { MemberEvent, MemberState } from '@baremetal-lb/leader';
import { describe, expect, it } from 'vitest';
import { changesLiveSet } from './live-set-change.ts';

const event = (type: MemberState, previous?: MemberState): MemberEvent => ({
  type,
  member: { name: 'nodeb', address: '192.0.2.2:7946', state: type, incarnation: 1, sinceMs: 0 },
  reason: 'reported',
  ...(previous === undefined ? {} : { previous }),
});

describe('changesLiveSet', () => {
  it('ignores suspicions and refutations: suspect members still count for election', () => {
    expect(changesLiveSet(event('suspect', 'alive'))).toBe(false);
    expect(changesLiveSet(event('alive', 'suspect'))).toBe(false);
    expect(changesLiveSet(event('alive', 'alive'))).toBe(false);
  });

  it('reacts to joins, deaths, leaves and returns', () => {
    expect(changesLiveSet(event('alive'))).toBe(true);
    expect(changesLiveSet(event('dead', 'suspect'))).toBe(true);
    expect(changesLiveSet(event('dead', 'alive'))).toBe(true);
    expect(changesLiveSet(event('left', 'alive'))).toBe(true);
    expect(changesLiveSet(event('alive', 'dead'))).toBe(true);
    expect(changesLiveSet(event('alive', 'left'))).toBe(true);
    expect(changesLiveSet(event('suspect', 'dead'))).toBe(true);
  });
});
