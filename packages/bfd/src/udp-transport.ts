/**
 * BfdTransport over real UDP sockets (Linux, @baremetal-lb/packet-socket's UdpSocket):
 * receive sockets on 3784 (single hop, RFC 5881 §4) and 4784 (multihop, RFC 5883 §5) per address
 * family, and per session a sender bound to a free source port in 49152-65535 that sends with
 * TTL / hop limit 255 (RFC 5881 §5, also sensible for multihop: the peer checks its own minimum).
 *
 * openPacedUdpTransport adds packet-socket's native pacer thread: it reads the receive sockets
 * and, for each session handed to it (`openSender(peer, pacing)`), sends the periodic packets
 * and runs the detection timer, so neither depends on the JavaScript event loop.
 */
import { isIPv6 } from 'node:net';
import {
  type BfdPacer,
  monotonicTimeUs,
  openBfdPacer,
  openUdpSocket,
  type UdpSocket,
} from '@baremetal-lb/packet-socket';
import {
  BFD_MULTIHOP_PORT,
  BFD_SINGLE_HOP_PORT,
  BFD_SINGLE_HOP_TTL,
  BFD_SOURCE_PORT_MAX,
  BFD_SOURCE_PORT_MIN,
} from './bfd-constants.ts';
import { BfdTransportError } from './bfd-error.ts';
import {
  type BfdClock,
  type BfdDatagram,
  type BfdSender,
  type BfdTransport,
  type PaceSchedule,
  type PeerAddress,
  type SessionPacing,
  systemClock,
} from './bfd-transport.ts';

export type UdpTransportOptions = {
  /** Network namespace (name or path) for every socket; default the caller's. */
  readonly netns?: string;
  /** Local address the receive sockets bind to; default the wildcard of each family. */
  readonly listenAddress?: { readonly 4?: string; readonly 6?: string };
};

export type PacedUdpTransportOptions = UdpTransportOptions & {
  /** SCHED_FIFO priority of the pacer thread (1-99); default the normal class. */
  readonly realtimePriority?: number;
};

export type PacedUdpTransport = BfdTransport & {
  /** The pacer's clock (CLOCK_MONOTONIC); the endpoint must use it, times cross threads. */
  readonly clock: BfdClock;
  /** "SCHED_FIFO 10", "normal" or "normal (EPERM)". */
  readonly scheduling: string;
};

/**
 * The pacer's dead man's switch: a worker whose event loop has not turned for this long is
 * wedged (its garbage collections take milliseconds), so the pacer stops our periodic packets and
 * the peer declares us dead, as it would if the worker timed the sessions itself. Fed twice a
 * second.
 */
const PACER_WATCHDOG_MS = 3000;
const PACER_FEED_MS = 500;

export function openUdpTransport(options: UdpTransportOptions = {}): BfdTransport {
  return udpTransport(options, undefined);
}

export function openPacedUdpTransport(options: PacedUdpTransportOptions = {}): PacedUdpTransport {
  const listeners = new Map<string, (datagram: BfdDatagram) => void>();
  const expiries = new Map<number, (atUs: number) => void>();
  const pacer = wrap('pacer', () =>
    openBfdPacer({
      ...(options.realtimePriority === undefined ? {} : { realtimePriority: options.realtimePriority }),
      onDatagram: (d) => {
        const family = isIPv6(d.from.address) ? 6 : 4;
        listeners.get(`${family}/${d.multihop}`)?.({
          data: d.data,
          fromAddress: d.from.address,
          fromPort: d.from.port,
          ttl: d.ttl,
          multihop: d.multihop,
          receivedAtUs: d.receivedAtUs,
        });
      },
      onDetectionExpired: (discriminator, atUs) => expiries.get(discriminator)?.(atUs),
      watchdogMs: PACER_WATCHDOG_MS,
    }),
  );
  const feeder = setInterval(() => pacer.feed(), PACER_FEED_MS);
  feeder.unref();
  const clock: BfdClock = { nowUs: monotonicTimeUs, schedule: systemClock.schedule };
  const transport = udpTransport(options, { pacer, listeners, expiries });
  return {
    ...transport,
    close: () => {
      clearInterval(feeder);
      transport.close();
    },
    clock,
    scheduling: pacer.scheduling,
  };
}

type Paced = {
  readonly pacer: BfdPacer;
  readonly listeners: Map<string, (datagram: BfdDatagram) => void>;
  readonly expiries: Map<number, (atUs: number) => void>;
};

function udpTransport(options: UdpTransportOptions, paced: Paced | undefined): BfdTransport {
  const listeners = new Map<string, UdpSocket>();
  const senders = new Set<UdpSocket>();
  let nextPort =
    BFD_SOURCE_PORT_MIN + Math.floor(Math.random() * (BFD_SOURCE_PORT_MAX - BFD_SOURCE_PORT_MIN));
  const familyOf = (address: string): 4 | 6 => (isIPv6(address) ? 6 : 4);
  const netns = options.netns === undefined ? {} : { netns: options.netns };

  const pacedSender = (socket: UdpSocket, peer: PeerAddress, port: number, pacing: SessionPacing) => {
    const { pacer, expiries } = paced!;
    const discriminator = pacing.localDiscriminator;
    pacer.addSession(discriminator, {
      sender: socket,
      peerAddress: peer.peerAddress,
      peerPort: port,
      multihop: peer.multihop ?? false,
      minimumTtl: pacing.minimumTtl,
    });
    expiries.set(discriminator, pacing.onDetectionExpired);
    return {
      send: (packet: Uint8Array) => pacer.sendNow(discriminator, packet),
      pace: (schedule: PaceSchedule) => pacer.schedule(discriminator, schedule),
      forget: () => {
        pacer.removeSession(discriminator);
        expiries.delete(discriminator);
      },
    };
  };

  const transport: BfdTransport = {
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
      if (paced !== undefined) {
        paced.listeners.set(key, onDatagram);
        paced.pacer.addReceiveSocket(socket, multihop);
        return;
      }
      socket.onMessage((d) =>
        onDatagram({
          data: d.data,
          fromAddress: d.from.address,
          fromPort: d.from.port,
          ttl: d.ttl,
          multihop,
        }),
      );
    },

    openSender(peer: PeerAddress, pacing?: SessionPacing): BfdSender {
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
        const close = () => {
          senders.delete(socket);
          socket.close();
        };
        if (paced === undefined || pacing === undefined) {
          return { sourcePort, send: (packet) => socket.send(packet, peer.peerAddress, port), close };
        }
        const { send, pace, forget } = pacedSender(socket, peer, port, pacing);
        return {
          sourcePort,
          send,
          pace,
          close: () => {
            forget();
            close();
          },
        };
      }
      throw new BfdTransportError('openSender', 'no free source port in 49152-65535');
    },

    close() {
      // The pacer thread stops first: it must not touch a socket after it was closed.
      paced?.pacer.close();
      for (const socket of [...listeners.values(), ...senders]) socket.close();
      listeners.clear();
      senders.clear();
    },
  };
  if (paced !== undefined) transport.pacerStats = () => paced.pacer.stats();
  return transport;
}

function wrap<T>(op: string, open: () => T): T {
  try {
    return open();
  } catch (error) {
    throw new BfdTransportError(op, String((error as Error).message), { cause: error });
  }
}
