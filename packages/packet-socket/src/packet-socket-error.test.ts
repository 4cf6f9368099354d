import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { checkPrerequisites } from '@baremetal-lb/lab';
import { afterEach, describe, expect, it } from 'vitest';
import { discoverInterfaces } from './discover-interfaces.ts';
import { openPacketConn } from './open-packet-conn.ts';
import { errnoName, NotSupportedError, SocketError } from './packet-socket-error.ts';

describe('SocketError', () => {
  it('names the errno, the operation and the interface', () => {
    const error = new SocketError({ op: 'send', errno: 100, ifname: 'eth0' });
    expect(error).toMatchObject({
      code: 'ENETDOWN',
      op: 'send',
      errno: 100,
      ifname: 'eth0',
      name: 'SocketError',
    });
    expect(error.message).toBe('packet socket send on "eth0" failed: ENETDOWN — the interface is down');
    expect(errnoName(100_000)).toBe('E100000');
  });

  it('says in plain words that CAP_NET_RAW is missing', () => {
    const error = new SocketError({ op: 'open', errno: 1, ifname: 'eth0' });
    expect(error.code).toBe('EPERM');
    expect(error.message).toContain('CAP_NET_RAW');
  });
});

describe('off Linux', () => {
  const platform = process.platform;
  afterEach(() => {
    Object.defineProperty(process, 'platform', { value: platform });
  });

  it('imports fine, and opening a socket throws NotSupportedError', () => {
    Object.defineProperty(process, 'platform', { value: 'darwin' });
    expect(() => openPacketConn('en0')).toThrow(NotSupportedError);
    expect(() => discoverInterfaces()).toThrow(
      expect.objectContaining({ code: 'ERR_PACKET_NOT_SUPPORTED', platform: 'darwin' }),
    );
  });
});

const ready = checkPrerequisites('packet-socket without CAP_NET_RAW', {
  root: true,
  commands: [{ name: 'setpriv', debianPackage: 'util-linux' }],
});

/** Bit 13 of the capability sets in /proc/PID/status (linux/capability.h). */
const CAP_NET_RAW_BIT = 13n;

/**
 * The child stays root (so it can read the checkout wherever it lives, even under a 0700
 * directory) and loses only CAP_NET_RAW: setpriv removes it from the bounding and inheritable
 * sets, so the exec that starts node grants it no more (capabilities(7), "Transformation of
 * capabilities during execve").
 */
describe.skipIf(!ready)('without CAP_NET_RAW (a root child with the capability dropped)', () => {
  it('throws SocketError EPERM naming the missing capability', () => {
    const script = `
      import { readFileSync } from 'node:fs';
      import { openPacketConn } from './src/open-packet-conn.ts';
      const effective = /^CapEff:\\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))[1];
      let outcome;
      try { openPacketConn('lo'); outcome = 'opened'; }
      catch (e) { outcome = { name: e.name, code: e.code, op: e.op, message: e.message }; }
      console.log(JSON.stringify({ uid: process.getuid(), effective, outcome }));
    `;
    const result = spawnSync(
      'setpriv',
      [
        '--bounding-set=-net_raw',
        '--inh-caps=-net_raw',
        '--',
        process.execPath,
        '--conditions=@baremetal-lb/source',
        '--input-type=module',
        '-e',
        script,
      ],
      { cwd: path.resolve(import.meta.dirname, '..'), encoding: 'utf8' },
    );
    if (result.error !== undefined || result.status !== 0 || result.stdout === '') {
      throw new Error(
        `the child could not run (${result.error?.message ?? `exit status ${result.status}, signal ${result.signal}`}): ` +
          `stderr ${JSON.stringify(result.stderr)}, stdout ${JSON.stringify(result.stdout)}`,
      );
    }
    expect(result.stderr).toBe('');
    const child = JSON.parse(result.stdout) as {
      uid: number;
      effective: string;
      outcome: { name: string; code: string; op: string; message: string } | 'opened';
    };
    expect(child.uid).toBe(0);
    expect((BigInt(`0x${child.effective}`) >> CAP_NET_RAW_BIT) & 1n).toBe(0n);
    expect(child.outcome).toMatchObject({ name: 'SocketError', code: 'EPERM', op: 'open' });
    expect((child.outcome as { message: string }).message).toContain('CAP_NET_RAW');
  });
});
