import { describe, expect, it } from 'vitest';
import { FakeClock, MemoryNetwork, seededRandom } from '../testing/index.ts';
import { Membership } from './membership.ts';

const oldSecret = 'old shared secret, rotating out';
const newSecret = 'new shared secret, rotating in!';

function setup() {
  const clock = new FakeClock();
  const network = new MemoryNetwork({ clock, random: seededRandom(8) });
  const make = (i: number, secrets: string[]) =>
    new Membership({
      name: `m${i}`,
      transport: network.createTransport(`a${i}`),
      secrets,
      seeds: ['a0'],
      clock,
      random: seededRandom(100 + i),
    });
  return { clock, make };
}

function aliveNames(m: Membership): string[] {
  return m
    .snapshot()
    .members.filter((x) => x.state === 'alive')
    .map((x) => x.name);
}

describe('membership key rotation', () => {
  it('rotates live in three steps with nobody ever suspected', () => {
    const { clock, make } = setup();
    const members = [0, 1, 2, 3].map((i) => make(i, [oldSecret]));
    const suspicions: string[] = [];
    for (const m of members)
      m.subscribe((e) => e.type !== 'alive' && suspicions.push(`${m.name}: ${e.member.name}`));
    for (const m of members) m.start();
    clock.advance(2_000);
    // Each step is rolled out one member at a time, with time passing in between.
    for (const secrets of [[oldSecret, newSecret], [newSecret, oldSecret], [newSecret]]) {
      for (const m of members) {
        m.setSecrets(secrets);
        clock.advance(1_000);
      }
    }
    for (const m of members) expect(aliveNames(m)).toEqual(['m0', 'm1', 'm2', 'm3']);
    expect(suspicions).toEqual([]);
  });

  it('skipping a step splits the cluster: a member sending with a key others lack is declared dead', () => {
    const { clock, make } = setup();
    const members = [0, 1, 2].map((i) => make(i, [oldSecret]));
    for (const m of members) m.start();
    clock.advance(2_000);
    members[2]!.setSecrets([newSecret]);
    clock.advance(3_000);
    expect(aliveNames(members[0]!)).toEqual(['m0', 'm1']);
    expect(members[0]!.stats().dropped.unknownKey).toBeGreaterThan(0);
  });

  it('a member that knows none of the secrets never joins', () => {
    const { clock, make } = setup();
    const members = [make(0, [oldSecret]), make(1, [oldSecret]), make(2, ['some unrelated secret value'])];
    for (const m of members) m.start();
    clock.advance(3_000);
    expect(aliveNames(members[0]!)).toEqual(['m0', 'm1']);
    expect(aliveNames(members[2]!)).toEqual(['m2']);
  });
});
