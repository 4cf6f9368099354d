/**
 * Loads the N-API addon lazily, so that importing the package never fails: off Linux opening a
 * socket throws NotSupportedError, and an unbuilt addon throws AddonNotBuiltError. Native errors
 * (plain Errors with `op` and `errno`) become SocketError here.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { AddonNotBuiltError, NotSupportedError, SocketError, type SocketOp } from './packet-socket-error.ts';

/** The addon's Socket class (native/packet_socket.h). */
export interface NativeSocket {
  readonly fd: number;
  bind(sockaddr: Uint8Array): void;
  setOption(level: number, name: number, value: Uint8Array): void;
  getOption(level: number, name: number, maxBytes: number): Buffer;
  attachFilter(program: Uint8Array): void;
  send(frame: Uint8Array): number;
  sendBatch(frames: readonly Uint8Array[]): number;
  receive(maxBytes: number): Buffer | null;
  startReading(
    onBatch: (error: Error | null, data?: Buffer, lengths?: Uint32Array) => void,
    slotCount: number,
    slotBytes: number,
  ): void;
  pause(): void;
  resume(): void;
  /** True when `onClosed` will be called once libuv released the poll handle. */
  close(onClosed?: () => void): boolean;
}

/** The addon's UdpSocket class (native/packet_socket.h). */
export interface NativeUdpSocket {
  /** -1 once closed. */
  readonly fd: number;
  bind(sockaddr: Uint8Array): void;
  setOption(level: number, name: number, value: Uint8Array): void;
  localAddress(): Buffer;
  sendTo(data: Uint8Array, sockaddr: Uint8Array): number;
  startReading(
    onMessage: (error: Error | null, data?: Buffer, from?: Buffer, ttl?: number, ifindex?: number) => void,
  ): void;
  close(): void;
}

/** The addon's BfdPacer class (native/bfd_pacer.cc). */
export interface NativeBfdPacer {
  realtimeErrno(): number;
  addSocket(id: number, fd: number, multihop: boolean): void;
  removeSocket(id: number): void;
  setSession(
    discriminator: number,
    sendFd: number,
    to: Uint8Array,
    peer: Uint8Array,
    multihop: boolean,
    minimumTtl: number,
  ): void;
  schedule(
    discriminator: number,
    packet: Uint8Array,
    intervalUs: number,
    detectMultiplier: number,
    detectionUs: number,
  ): void;
  sendNow(discriminator: number, packet: Uint8Array): boolean;
  removeSession(discriminator: number): void;
  stats(): { sent: number; sendFailures: number; maxLateUs: number; lateOver10ms: number; starved: number };
  feed(): void;
  close(): void;
}

/** The addon's MembershipLink class (native/membership_link.cc). */
export interface NativeMembershipLink {
  configure(name: string, epoch: number, maxPacketBytes: number, watchdogUs: number): void;
  feed(): void;
  setSendKey(keyId: number, key: Uint8Array): void;
  addReceiveKey(keyId: number, sender: string, key: Uint8Array): void;
  clearReceiveKeys(): void;
  forget(sender: string): void;
  send(sockaddr: Uint8Array, payload: Uint8Array): boolean;
  setQuiet(quiet: boolean, alive: readonly string[]): void;
  startProbing(
    names: readonly string[],
    sockaddrs: readonly Uint8Array[],
    intervalUs: number,
    timeoutUs: number,
  ): void;
  stopProbing(): void;
  stats(): {
    packetsSent: number;
    bytesSent: number;
    sendFailures: number;
    packetsReceived: number;
    bytesReceived: number;
    pingsAnswered: number;
    acksReceived: number;
    probesSent: number;
    probesMissed: number;
    passedUp: number;
    replayed: number;
  };
  close(): void;
}

/** The addon's NeighborResponder class (native/neighbor_responder.cc). */
export interface NativeNeighborResponder {
  /** Why the requested realtime priority was refused, if it was. */
  readonly startError: string | undefined;
  attach(fd: number, mac: Uint8Array, slotBytes: number): number;
  detach(port: number): void;
  setAnswered(
    port: number,
    ipv4: Uint8Array,
    ipv4Labels: readonly string[],
    ipv6: Uint8Array,
    ipv6Labels: readonly string[],
  ): void;
  setPaused(port: number, paused: boolean): void;
  /** [kind, label, n, kind, label, n, …]. */
  takeCounts(): (string | number)[];
  beats(): number;
  close(): void;
}

/** Pacer events: (0, data, from, ttl, multihop, atUs) | (1, discriminator, atUs) | (2, error). */
export type NativePacerEvent = (kind: number, ...args: unknown[]) => void;

type Addon = {
  readonly UdpSocket: new (family: number, netnsPath?: string) => NativeUdpSocket;
  readonly Socket: new (family: number, type: number, protocol: number, netnsPath?: string) => NativeSocket;
  readonly setThreadRealtimePriority: (priority: number) => void;
  readonly trimMallocHeap: () => boolean;
  readonly BfdPacer: new (
    onEvent: NativePacerEvent,
    realtimePriority: number,
    watchdogUs: number,
  ) => NativeBfdPacer;
  readonly MembershipLink: new (
    fd: number,
    onEvent: (kind: number, ...args: unknown[]) => void,
  ) => NativeMembershipLink;
  readonly NeighborResponder: new (
    onEvent: (kind: number, ...args: unknown[]) => void,
    rateLimit: readonly [perSecond: number, burst: number, maxSources: number],
    budget: readonly [priority: number, maxBusyShare: number, windowMs: number, cooldownMs: number],
  ) => NativeNeighborResponder;
  readonly monotonicTimeUs: () => number;
  readonly bfdSchedule: {
    readonly jitteredIntervalUs: (intervalUs: number, detectMultiplier: number, random: number) => number;
    readonly nextTransmitUs: (nowUs: number, lastTxUs: number, jitteredUs: number) => number;
    readonly detectionDeadlineUs: (lastRxUs: number, detectionUs: number) => number;
    readonly checkControlPacket: (data: Uint8Array) => number;
  };
  readonly openStreamFd: (family: number, netnsPath?: string) => number;
  readonly setFdOption: (fd: number, level: number, name: number, value: Uint8Array) => void;
  readonly bindFd: (fd: number, sockaddr: Uint8Array) => void;
  readonly closeFd: (fd: number) => void;
};

let addon: Addon | undefined;

/** The addon, loaded on first use. */
export function loadAddon(what = 'AF_PACKET sockets'): Addon {
  if (process.platform !== 'linux') throw new NotSupportedError(process.platform, what);
  if (addon !== undefined) return addon;
  const require = createRequire(import.meta.url);
  try {
    const load = require('node-gyp-build') as (dir: string) => Addon;
    // The package's own directory, where node-gyp put build/: resolved by name rather than as
    // this file's parent, so that it is also found from an app's bundle (apps/speaker/bundle).
    addon = load(path.dirname(require.resolve('@baremetal-lb/packet-socket/package.json')));
  } catch (error) {
    throw new AddonNotBuiltError(error);
  }
  return addon;
}

/** Whether the addon can be loaded here (Linux and built). */
export function isAddonAvailable(): boolean {
  try {
    loadAddon();
    return true;
  } catch {
    return false;
  }
}

/** Turns an error thrown by the addon into SocketError (other errors pass through). */
export function toSocketError(error: unknown, op: SocketOp, ifname: string): unknown {
  if (error instanceof Error && typeof (error as { errno?: unknown }).errno === 'number') {
    return new SocketError(
      { op, errno: (error as unknown as { errno: number }).errno, ifname },
      { cause: error },
    );
  }
  return error;
}

/** Runs a native call, rethrowing its failure as SocketError. */
export function callNative<T>(op: SocketOp, ifname: string, call: () => T): T {
  try {
    return call();
  } catch (error) {
    throw toSocketError(error, op, ifname);
  }
}

/** `/run/netns/<name>` for a bare namespace name; paths pass through. */
export function netnsPath(netns: string | undefined): string {
  if (netns === undefined || netns === '') return '';
  return netns.includes('/') ? netns : `/run/netns/${netns}`;
}
