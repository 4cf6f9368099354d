import { describe, expect, it } from 'vitest';
import { ConflictDetector } from './conflict-detector.ts';

describe('ConflictDetector', () => {
  it('reports each (ip, mac) once and counts every sighting', () => {
    const d = new ConflictDetector({ takeoverGraceMs: 0 });
    expect(d.observe('192.0.2.1', 'aa', 'eth0', 0)).toEqual({ ip: '192.0.2.1', mac: 'aa', ifname: 'eth0' });
    expect(d.observe('192.0.2.1', 'aa', 'eth0', 1)).toBeUndefined();
    expect(d.observe('192.0.2.1', 'bb', 'eth0', 2)).toBeDefined();
    expect(d.sightings).toBe(3);
  });

  it('stays quiet during the takeover grace period, then reports', () => {
    const d = new ConflictDetector({ takeoverGraceMs: 500 });
    d.tookOver('192.0.2.1', 1000);
    expect(d.observe('192.0.2.1', 'aa', 'eth0', 1200)).toBeUndefined();
    expect(d.observe('192.0.2.1', 'aa', 'eth0', 1600)).toBeDefined();
  });

  it('reports again after the IP was released and taken back', () => {
    const d = new ConflictDetector({ takeoverGraceMs: 0 });
    expect(d.observe('192.0.2.1', 'aa', 'eth0', 0)).toBeDefined();
    d.released('192.0.2.1');
    d.tookOver('192.0.2.1', 10);
    expect(d.observe('192.0.2.1', 'aa', 'eth0', 20)).toBeDefined();
  });
});
