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

const ready = checkPrerequisites('packet-socket without CAP_NET_RAW', { root: true });

describe.skipIf(!ready)('without CAP_NET_RAW (a child process as uid 65534)', () => {
  it('throws SocketError EPERM naming the missing capability', () => {
    const script = `
      import { openPacketConn } from './src/open-packet-conn.ts';
      try { openPacketConn('lo'); console.log('opened'); }
      catch (e) { console.log(JSON.stringify({ name: e.name, code: e.code, op: e.op, message: e.message })); }
    `;
    const result = spawnSync(
      process.execPath,
      ['--conditions=@baremetal-lb/source', '--input-type=module', '-e', script],
      {
        cwd: path.resolve(import.meta.dirname, '..'),
        uid: 65534,
        gid: 65534,
        encoding: 'utf8',
      },
    );
    expect(result.stderr).toBe('');
    const outcome = JSON.parse(result.stdout) as { name: string; code: string; op: string; message: string };
    expect(outcome).toMatchObject({ name: 'SocketError', code: 'EPERM', op: 'open' });
    expect(outcome.message).toContain('CAP_NET_RAW');
  });
});
