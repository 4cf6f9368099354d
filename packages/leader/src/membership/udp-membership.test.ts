import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { checkPrerequisites, createLab, type Lab } from '@baremetal-lb/lab';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../testing/wait-for.ts';
import { formatUdpAddress, parseUdpAddress } from './udp-transport.ts';

const ready = checkPrerequisites('leader: membership over real UDP in network namespaces', {
  root: true,
  commands: [{ name: 'ip', debianPackage: 'iproute2' }],
});

const fixture = path.join(import.meta.dirname, '../../test/fixtures/udp-member.ts');
/** Hard-kill detection over real UDP must stay under this, ms (a fixed number from README.md). */
const realDetectionBoundMs = 2_000;
type Line = { ms: number; type: string; member?: string; reason?: string; incarnation?: number };
type Child = { name: string; process: ChildProcess; lines: Line[] };

function views(child: Child): Map<string, string> {
  const v = new Map<string, string>();
  for (const l of child.lines) if (l.member !== undefined) v.set(l.member, l.type);
  return v;
}

describe('formatUdpAddress / parseUdpAddress', () => {
  it('round-trips IPv4 and IPv6 endpoints and rejects others', () => {
    expect(formatUdpAddress('192.0.2.1', 7946)).toBe('192.0.2.1:7946');
    expect(formatUdpAddress('2001:db8::1', 7946)).toBe('[2001:db8::1]:7946');
    expect(parseUdpAddress('[2001:db8::1]:7946')).toEqual({ host: '2001:db8::1', port: 7946 });
    expect(parseUdpAddress('192.0.2.1:7946')).toEqual({ host: '192.0.2.1', port: 7946 });
    for (const bad of ['192.0.2.1', '192.0.2.1:0', '192.0.2.1:70000', '2001:db8::1:7946', '']) {
      expect(parseUdpAddress(bad)).toBeUndefined();
    }
  });
});

describe.skipIf(!ready).each([
  ['ipv4', 'dgram'],
  ['ipv6', 'dgram'],
  ['ipv4', 'offload'],
  ['ipv6', 'offload'],
  ['ipv4', 'mixed'],
] as const)(
  'membership over real UDP (%s, %s): 5 members in network namespaces',
  // offload: every member runs over packet-socket's native offload link (as the speaker does);
  // mixed: members 0, 2 and 4 do, 1 and 3 run over node:dgram.
  (family, mode) => {
    let lab: Lab;
    const children: Child[] = [];

    beforeAll(async () => {
      lab = await createLab({ nodes: 5 });
      const seeds = lab.nodes.slice(0, 3).map((n) => formatUdpAddress(n[family], 7946));
      for (const [i, node] of lab.nodes.entries()) {
        const name = `member-${i}`;
        const child = node.spawn(process.execPath, [
          '--conditions=@baremetal-lb/source',
          fixture,
          name,
          node[family],
          '7946',
          seeds.join(','),
          'udp test shared secret, 32 bytes',
          mode === 'offload' || (mode === 'mixed' && i % 2 === 0) ? 'offload' : 'dgram',
        ]);
        const c: Child = { name, process: child, lines: [] };
        createInterface({ input: child.stdout! }).on('line', (line) =>
          c.lines.push(JSON.parse(line) as Line),
        );
        children.push(c);
      }
    }, 60_000);

    afterAll(async () => {
      await lab?.destroy();
    });

    it('joins, detects a SIGKILLed member, and sees a graceful leave', async () => {
      const converged = await waitFor(
        () => children.every((c) => children.every((o) => o === c || views(c).get(o.name) === 'alive')),
        15_000,
      );
      expect(converged, 'all five see each other alive').toBeDefined();

      const victim = children[4]!;
      const others = children.slice(0, 4);
      victim.process.kill('SIGKILL');
      const detected = await waitFor(() => others.every((c) => views(c).get(victim.name) === 'dead'), 10_000);
      expect(detected, 'every other member marks the killed one dead').toBeDefined();
      // Regression bound (README.md, "Measured"): about 5× the 421 ms p99 of detection in
      // simulation (real runs: 269–325 ms); wall clock on a shared machine, so generous.
      expect(detected!).toBeLessThanOrEqual(realDetectionBoundMs);
      console.log(
        `real UDP over ${family} (${mode}): SIGKILL of ${victim.name} seen as dead by all 4 others after ${detected} ms (wall clock)`,
      );

      const leaver = children[3]!;
      leaver.process.stdin!.write('leave\n');
      const left = await waitFor(
        () => children.slice(0, 3).every((c) => views(c).get(leaver.name) === 'left'),
        5_000,
      );
      expect(left, 'graceful leave seen').toBeDefined();
      for (const c of children.slice(0, 3)) {
        const about = c.lines.filter((l) => l.member === leaver.name && l.type !== 'alive');
        expect(about.map((l) => `${l.type}/${l.reason}`)).toEqual(['left/leave']);
      }
    }, 40_000);
  },
);
