/**
 * openStreamFd: options are checked before any system call; a configured fd is accepted by
 * Node's net module (the BGP loopback test in @baremetal-lb/bgp exercises MD5 end to end).
 */
import { once } from 'node:events';
import { Server, Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { isAddonAvailable } from './native-addon.ts';
import { closeStreamFd, openStreamFd, setTcpMd5Key } from './stream-fd.ts';

const available = process.platform === 'linux' && isAddonAvailable();

describe('openStreamFd', () => {
  it('rejects a TTL or minimum TTL outside 1..255 and an MD5 key over 80 bytes', () => {
    expect(() => openStreamFd({ family: 4, ttl: 0 })).toThrow(
      expect.objectContaining({ code: 'ERR_PACKET_INVALID_ARGUMENT' }),
    );
    expect(() => openStreamFd({ family: 4, minTtl: 256 })).toThrow(
      expect.objectContaining({ code: 'ERR_PACKET_INVALID_ARGUMENT' }),
    );
    expect(() => setTcpMd5Key(-1, '127.0.0.1', 'x'.repeat(81))).toThrow(
      expect.objectContaining({ code: 'ERR_PACKET_INVALID_ARGUMENT' }),
    );
  });

  it.skipIf(!available)(
    'a listener and a connecting socket built from configured fds talk through Node',
    async () => {
      const listenFd = openStreamFd({ family: 4, localAddress: '127.0.0.1', reuseAddress: true, minTtl: 1 });
      const server = new Server((socket) => socket.end('hello'));
      server.listen({ fd: listenFd });
      await once(server, 'listening');
      const { port } = server.address() as { port: number };
      const fd = openStreamFd({ family: 4, localAddress: '127.0.0.1', ttl: 64, minTtl: 1 });
      const socket = new Socket({ fd, readable: true, writable: true });
      socket.connect({ host: '127.0.0.1', port });
      const [data] = (await once(socket, 'data')) as [Buffer];
      expect(data.toString()).toBe('hello');
      socket.destroy();
      server.close();
    },
  );

  it.skipIf(!available)(
    'a bind to an address this host lacks fails with SocketError and closes the fd',
    () => {
      expect(() => openStreamFd({ family: 4, localAddress: '203.0.113.77' })).toThrow(
        expect.objectContaining({ code: 'EADDRNOTAVAIL' }),
      );
      // An fd never handed to Node can be closed explicitly.
      closeStreamFd(openStreamFd({ family: 6 }));
    },
  );
});
