import { describe, expect, it } from 'vitest';
import { seededRandom } from '../testing/index.ts';
import { MemberView } from './member-view.ts';

function entry(name: string, state: 'alive' | 'dead' = 'alive') {
  return { name, address: `${name}:1`, state, incarnation: 0, sinceMs: 0 };
}

function round(view: MemberView, n: number): string[] {
  return Array.from({ length: n }, () => view.nextProbeTarget()?.name ?? '-');
}

describe('MemberView probe order', () => {
  it('visits every reachable member once per round, never self or the dead', () => {
    const view = new MemberView('me', seededRandom(3));
    for (const e of [entry('me'), entry('a'), entry('b'), entry('c'), entry('x', 'dead')]) view.add(e);
    for (let r = 0; r < 5; r++) expect(round(view, 3).sort()).toEqual(['a', 'b', 'c']);
  });

  it('returns undefined when there is nobody to probe', () => {
    const view = new MemberView('me', seededRandom(5));
    view.add(entry('me'));
    view.add(entry('x', 'dead'));
    expect(view.nextProbeTarget()).toBeUndefined();
  });
});
