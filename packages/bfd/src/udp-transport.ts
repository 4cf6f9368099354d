/**
 * BfdTransport over real UDP sockets (Linux, @baremetal-lb/packet-socket's UdpSocket):
 * receive sockets on 3784 (single hop, RFC 5881 §4) and 4784 (multihop, RFC 5883 §5) per address
 * family, and per session a sender bound to a free source port in 49152-65535 that sends with
 * TTL / hop limit 255 (RFC 5881 §5, also sensible for multihop: the peer checks its own minimum).
 */
import { isIPv6 } from 'node:net';
import { openUdpSocket, type UdpSocket } from '@baremetal-lb/packet-socket';
import {
  BFD_MULTIHOP_PORT,
  BFD_SINGLE_HOP_PORT,
  BFD_SINGLE_HOP_TTL,
  BFD_SOURCE_PORT_MAX,
  BFD_SOURCE_PORT_MIN,
} from './bfd-constants.ts';
import { BfdTransportError } from './bfd-error.ts';
import type { BfdDatagram, BfdSender, BfdTransport, PeerAddress } from './bfd-transport.ts';

export type UdpTransportOptions = {
  /** Network namespace (name or path) for every socket; default the caller's. */
  readonly netns?: string;
  /** Local address the receive sockets bind to; default the wildcard of each family. */
  readonly listenAddress?: { readonly 4?: string; readonly 6?: string };
};

export function openUdpTransport(options: UdpTransportOptions = {}): BfdTransport {
  const listeners = new Map<string, UdpSocket>();
  const senders = new Set<UdpSocket>();
  let nextPort =
    BFD_SOURCE_PORT_MIN + Math.floor(Math.random() * (BFD_SOURCE_PORT_MAX - BFD_SOURCE_PORT_MIN));
  const familyOf = (address: string): 4 | 6 => (isIPv6(address) ? 6 : 4);
  const netns = options.netns === undefined ? {} : { netns: options.netns };

  return {
    listen(peer, onDatagram) {
      const family = familyOf(peer.peerAddress);
      const multihop = peer.multihop ?? false;
      const key = `${family}/${multihop}`;
      if (listeners.has(key)) return;
      const address = options.listenAddress?.[family];
      const socket = wrap('listen', () =>
        openUdpSocket({
          family,
          port: multihop ? BFD_MULTIHOP_PORT : BFD_SINGLE_HOP_PORT,
          reuseAddress: true,
          ...(address === undefined ? {} : { address }),
          ...netns,
        }),
      );
      listeners.set(key, socket);
      socket.onMessage((d) => {
        const datagram: BfdDatagram = {
          data: d.data,
          fromAddress: d.from.address,
          fromPort: d.from.port,
          ttl: d.ttl,
          multihop,
        };
        onDatagram(datagram);
      });
    },

    openSender(peer: PeerAddress): BfdSender {
      const family = familyOf(peer.peerAddress);
      const port = peer.multihop ? BFD_MULTIHOP_PORT : BFD_SINGLE_HOP_PORT;
      const span = BFD_SOURCE_PORT_MAX - BFD_SOURCE_PORT_MIN + 1;
      // Walk the range from a random start until a port is free (RFC 5881 §4).
      for (let attempt = 0; attempt < span; attempt++) {
        const sourcePort = BFD_SOURCE_PORT_MIN + ((nextPort - BFD_SOURCE_PORT_MIN + attempt) % span);
        let socket: UdpSocket;
        try {
          socket = openUdpSocket({
            family,
            port: sourcePort,
            ttl: BFD_SINGLE_HOP_TTL,
            ...(peer.localAddress === undefined ? {} : { address: peer.localAddress }),
            ...(peer.device === undefined ? {} : { device: peer.device }),
            ...netns,
          });
        } catch (error) {
          if ((error as { code?: unknown }).code === 'EADDRINUSE') continue;
          throw new BfdTransportError('openSender', String((error as Error).message), { cause: error });
        }
        nextPort = sourcePort + 1;
        senders.add(socket);
        return {
          sourcePort,
          send: (packet) => socket.send(packet, peer.peerAddress, port),
          close: () => {
            senders.delete(socket);
            socket.close();
          },
        };
      }
      throw new BfdTransportError('openSender', 'no free source port in 49152-65535');
    },

    close() {
      for (const socket of [...listeners.values(), ...senders]) socket.close();
      listeners.clear();
      senders.clear();
    },
  };
}

function wrap<T>(op: string, open: () => T): T {
  try {
    return open();
  } catch (error) {
    throw new BfdTransportError(op, String((error as Error).message), { cause: error });
  }
}
