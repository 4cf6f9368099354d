/**
 * openBfdPacer: a native thread (native/bfd_pacer.cc) that runs BFD's timing outside JavaScript.
 * It sends each session's periodic control packet on schedule with the jitter of RFC 5880
 * §6.8.7, reads the BFD receive sockets, and restarts a session's detection timer (§6.8.4) the
 * moment a packet for it arrives (TTL, source and the session-independent rules of §6.8.6
 * checked natively, demultiplexed by Your Discriminator). Every datagram is still handed to
 * JavaScript, stamped with its receive time, and so is every detection expiry: the state machine
 * in JavaScript decides what they mean and replaces the packet and timers with `schedule`.
 * A garbage collection or a stalled event loop therefore delays neither our transmissions nor
 * the moment a dead peer is noticed. Callbacks run on the thread that opened the pacer.
 */
import { callNative, loadAddon, type NativeBfdPacer } from './native-addon.ts';
import type { UdpDatagram, UdpSocket } from './open-udp-socket.ts';
import { errnoName, InvalidArgumentError, SocketOp } from './packet-socket-error.ts';
import { decodeSocketAddress, encodeSocketAddress } from './socket-address.ts';
import { maxRealtimePriority } from './thread-priority.ts';

export type PacedDatagram = Omit<UdpDatagram, 'ifindex'> & {
  /** Arrived on the multihop (4784) socket. */
  readonly multihop: boolean;
  /** When the pacer thread read it, µs on monotonicTimeUs()'s clock. */
  readonly receivedAtUs: number;
};

export type BfdPacerOptions = {
  /** SCHED_FIFO priority (1-99) for the pacer thread; needs CAP_SYS_NICE. Default: normal. */
  readonly realtimePriority?: number;
  /**
   * Dead man's switch: without a `feed()` for this long the thread sends no periodic packets
   * (until the next feed), so a wedged caller looks dead to its peers, as it would without a
   * pacer. Default 0: off.
   */
  readonly watchdogMs?: number;
  readonly onDatagram: (datagram: PacedDatagram) => void;
  /** The detection time of session `discriminator` ran out at `atUs` with no packet. */
  readonly onDetectionExpired: (discriminator: number, atUs: number) => void;
  readonly onError?: (error: unknown) => void;
};

/** One session's sending side and its peer, for matching received packets. */
export type PacedSession = {
  /** The session's own socket (its source port); the pacer sends on it. */
  readonly sender: UdpSocket;
  readonly peerAddress: string;
  readonly peerPort: number;
  readonly multihop: boolean;
  /** Received packets with a lower TTL do not restart the detection timer (GTSM). */
  readonly minimumTtl: number;
};

/** What the state machine says now (RFC 5880 §6.8.7, §6.8.4). */
export type PaceSchedule = {
  /** The packet to send periodically. */
  readonly packet: Uint8Array;
  /** Agreed transmit interval before jitter, µs; 0 = no periodic packets. */
  readonly intervalUs: number;
  /** bfd.DetectMult: 1 narrows the jitter to 75-90 %. */
  readonly detectMultiplier: number;
  /** Detection time, µs; 0 = disarmed. */
  readonly detectionTimeUs: number;
};

export type PacerStats = {
  /** Periodic packets sent and refused by the kernel (immediate ones are the caller's). */
  readonly sent: number;
  readonly sendFailures: number;
  /** The latest the thread woke for a periodic packet, µs (whole-machine stalls show here). */
  readonly maxLateUs: number;
  readonly lateOver10ms: number;
  /** Periodic packets held back by the watchdog. */
  readonly starved: number;
};

export interface BfdPacer {
  /** "SCHED_FIFO 10", "normal", or "normal (EPERM)" when realtime was refused. */
  readonly scheduling: string;
  addReceiveSocket(socket: UdpSocket, multihop: boolean): void;
  /** After this returns the thread no longer reads the socket: it may be closed. */
  removeReceiveSocket(socket: UdpSocket): void;
  addSession(discriminator: number, session: PacedSession): void;
  schedule(discriminator: number, schedule: PaceSchedule): void;
  /** Sends an immediate packet; the periodic schedule restarts from now. */
  sendNow(discriminator: number, packet: Uint8Array): boolean;
  removeSession(discriminator: number): void;
  stats(): PacerStats;
  /** Tells the watchdog the caller is alive. */
  feed(): void;
  /** Stops the thread (it also stops when its thread's environment ends). */
  close(): void;
}

/** Microseconds on CLOCK_MONOTONIC, the pacer's clock (the same in every thread). */
export function monotonicTimeUs(): number {
  return loadAddon('the BFD pacer').monotonicTimeUs();
}

/** The pacer's pure schedule functions (native/bfd_schedule.h), for tests. */
export function bfdPacerSchedule() {
  return loadAddon('the BFD pacer').bfdSchedule;
}

export function openBfdPacer(options: BfdPacerOptions): BfdPacer {
  const priority = options.realtimePriority ?? 0;
  if (!Number.isInteger(priority) || priority < 0 || priority > maxRealtimePriority) {
    throw new InvalidArgumentError('realtimePriority', `${priority} is not 0 or 1–${maxRealtimePriority}`);
  }
  const watchdogMs = options.watchdogMs ?? 0;
  if (!Number.isFinite(watchdogMs) || watchdogMs < 0) {
    throw new InvalidArgumentError('watchdogMs', `${watchdogMs} is not a duration`);
  }
  const { BfdPacer: NativeClass } = loadAddon('the BFD pacer');
  const native = new NativeClass(
    (kind, ...args) => {
      if (kind === 0) {
        const [data, from, ttl, multihop, receivedAtUs] = args as [Buffer, Buffer, number, boolean, number];
        options.onDatagram({ data, from: decodeSocketAddress(from), ttl, multihop, receivedAtUs });
      } else if (kind === 1) {
        options.onDetectionExpired(args[0] as number, args[1] as number);
      } else {
        options.onError?.(args[0]);
      }
    },
    priority,
    watchdogMs * 1000,
  );
  const errno = native.realtimeErrno();
  const scheduling =
    errno === -1 ? 'normal' : errno === 0 ? `SCHED_FIFO ${priority}` : `normal (${errnoName(errno)})`;
  return new LinuxBfdPacer(native, scheduling);
}

class LinuxBfdPacer implements BfdPacer {
  readonly scheduling: string;
  readonly #native: NativeBfdPacer;
  readonly #socketIds = new Map<UdpSocket, number>();
  #nextSocketId = 1;

  constructor(native: NativeBfdPacer, scheduling: string) {
    this.#native = native;
    this.scheduling = scheduling;
  }

  addReceiveSocket(socket: UdpSocket, multihop: boolean): void {
    const id = this.#nextSocketId++;
    callNative(SocketOp.receive, 'bfd pacer', () => this.#native.addSocket(id, socket.fd, multihop));
    this.#socketIds.set(socket, id);
  }

  removeReceiveSocket(socket: UdpSocket): void {
    const id = this.#socketIds.get(socket);
    if (id === undefined) return;
    this.#socketIds.delete(socket);
    this.#native.removeSocket(id);
  }

  addSession(discriminator: number, session: PacedSession): void {
    const to = encodeSocketAddress(session.peerAddress, session.peerPort);
    const peer = encodeSocketAddress(session.peerAddress, 0);
    this.#native.setSession(discriminator, session.sender.fd, to, peer, session.multihop, session.minimumTtl);
  }

  schedule(discriminator: number, schedule: PaceSchedule): void {
    this.#native.schedule(
      discriminator,
      schedule.packet,
      Math.round(schedule.intervalUs),
      schedule.detectMultiplier,
      Math.round(schedule.detectionTimeUs),
    );
  }

  sendNow(discriminator: number, packet: Uint8Array): boolean {
    return this.#native.sendNow(discriminator, packet);
  }

  removeSession(discriminator: number): void {
    this.#native.removeSession(discriminator);
  }

  stats(): PacerStats {
    return this.#native.stats();
  }

  feed(): void {
    this.#native.feed();
  }

  close(): void {
    this.#socketIds.clear();
    this.#native.close();
  }
}
