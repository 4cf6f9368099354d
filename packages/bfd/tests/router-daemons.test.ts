import { describe, expect, it } from 'vitest';
import { parseFrrStateChange } from './router-daemons.ts';

describe('parseFrrStateChange', () => {
  it('reads bfdd state-change log lines with microsecond timestamps', () => {
    const line =
      '2026/12/04 19:10:22.741822 BFD: [SEY1D-NT8EQ] state-change: [mhop:no peer:198.51.100.11 local:198.51.100.12 vrf:default] up -> down reason:control-expired';
    const change = parseFrrStateChange(line)!;
    expect(change).toMatchObject({
      peer: '198.51.100.11',
      from: 'up',
      to: 'down',
      reason: 'control-expired',
    });
    expect(change.timeUs % 1e6).toBe(741822);
    expect(new Date(change.timeUs / 1000).getSeconds()).toBe(22);
    expect(
      parseFrrStateChange('2026/12/04 19:10:15 BFD: [T83RR-8SM5G] bfdd 8.4.4 starting: vty@0'),
    ).toBeUndefined();
  });
});
