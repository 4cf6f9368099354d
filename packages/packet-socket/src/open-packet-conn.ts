/**
 * PacketConn on a Linux AF_PACKET socket (packet(7)): SOCK_RAW frames of one interface, an
 * optional classic BPF filter, multicast MAC membership, and receive batches with backpressure.
 */
import { BatchQueue } from './batch-queue.ts';
import { type BpfProgram, encodeBpfProgram } from './bpf/bpf-instruction.ts';
import { findInterface } from './discover-interfaces.ts';
import {
  AF_PACKET,
  ENETDOWN,
  ETH_P_ALL,
  PACKET_ADD_MEMBERSHIP,
  PACKET_AUXDATA,
  PACKET_DROP_MEMBERSHIP,
  PACKET_IGNORE_OUTGOING,
  PACKET_MR_MULTICAST,
  PACKET_STATISTICS,
  SO_RCVBUF,
  SO_RCVBUFFORCE,
  SOCK_RAW,
  SOL_PACKET,
  SOL_SOCKET,
} from './linux-constants.ts';
import { macBytes } from './mac-address.ts';
import { callNative, loadAddon, type NativeSocket, netnsPath, toSocketError } from './native-addon.ts';
import {
  defaultHighWaterMarkFrames,
  type FrameBatch,
  type PacketConn,
  type ReceiveOptions,
} from './packet-conn.ts';
import { ConnClosedError, ReceiveBusyError, SocketError, SocketOp } from './packet-socket-error.ts';

export type OpenPacketConnOptions = {
  /** Kernel-side filter; without one the socket receives every frame of the interface. */
  readonly filter?: BpfProgram;
  /** Network namespace: a name under /run/netns or a path; default the caller's own. */
  readonly netns?: string;
  /** Do not receive the frames this host sends (PACKET_IGNORE_OUTGOING). Default true. */
  readonly ignoreOutgoing?: boolean;
  /**
   * Socket receive buffer in bytes (the kernel doubles it for bookkeeping). Set with
   * SO_RCVBUFFORCE when permitted (CAP_NET_ADMIN), so it may exceed net.core.rmem_max; else
   * SO_RCVBUF, capped at rmem_max. Default: the system's.
   */
  readonly receiveBufferBytes?: number;
  /**
   * Frames taken per wake-up (one recvmmsg). 64 keeps the copy per batch small while amortising
   * the JS call; larger helps only at line rate.
   */
  readonly batchFrames?: number;
};

export type PacketStats = {
  /** Frames the kernel queued to this socket (after the filter). */
  readonly received: number;
  /** Frames the kernel dropped because the socket buffer was full. */
  readonly dropped: number;
};

/** Default OpenPacketConnOptions.batchFrames, in frames. */
export const defaultBatchFrames = 64;
/** Room for an 802.1Q tag on top of the MTU and the Ethernet header, in bytes. */
const frameOverheadBytes = 14 + 4;

function int32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeInt32LE(value);
  return buffer;
}

/** struct sockaddr_ll { u16 family; be16 protocol; i32 ifindex; u16 hatype; u8 pkttype; u8 halen; u8 addr[8] } */
function packetSockaddr(ifindex: number): Buffer {
  const address = Buffer.alloc(20);
  address.writeUInt16LE(AF_PACKET, 0);
  address.writeUInt16BE(ETH_P_ALL, 2);
  address.writeInt32LE(ifindex, 4);
  return address;
}

/** struct packet_mreq { i32 ifindex; u16 type; u16 alen; u8 address[8] } */
function membershipRequest(ifindex: number, mac: Buffer): Buffer {
  const request = Buffer.alloc(16);
  request.writeInt32LE(ifindex, 0);
  request.writeUInt16LE(PACKET_MR_MULTICAST, 4);
  request.writeUInt16LE(mac.length, 6);
  mac.copy(request, 8);
  return request;
}

export class LinuxPacketConn implements PacketConn {
  readonly ifname: string;
  readonly ifindex: number;
  readonly #socket: NativeSocket;
  readonly #batchFrames: number;
  readonly #slotBytes: number;
  #reading = false;
  #lent = false;
  #queue: BatchQueue | undefined;
  #closing: Promise<void> | undefined;
  #received = 0;
  #dropped = 0;

  /** Use openPacketConn(). */
  constructor(fields: {
    ifname: string;
    ifindex: number;
    socket: NativeSocket;
    batchFrames: number;
    slotBytes: number;
  }) {
    this.ifname = fields.ifname;
    this.ifindex = fields.ifindex;
    this.#socket = fields.socket;
    this.#batchFrames = fields.batchFrames;
    this.#slotBytes = fields.slotBytes;
  }

  get closed(): boolean {
    return this.#closing !== undefined;
  }

  send(frame: Uint8Array): void {
    this.#checkOpen(SocketOp.send);
    callNative(SocketOp.send, this.ifname, () => this.#socket.send(frame));
  }

  sendBatch(frames: readonly Uint8Array[]): number {
    this.#checkOpen(SocketOp.sendBatch);
    if (frames.length === 0) return 0;
    return callNative(SocketOp.sendBatch, this.ifname, () => this.#socket.sendBatch(frames));
  }

  receive(options: ReceiveOptions = {}): AsyncIterableIterator<FrameBatch> {
    if (this.#queue !== undefined || this.#lent) throw new ReceiveBusyError(this.ifname);
    const queue = new BatchQueue(options.highWaterMarkFrames ?? defaultHighWaterMarkFrames, {
      pause: () => this.#socket.pause(),
      resume: () => this.#socket.resume(),
      detach: () => {
        if (this.#queue !== queue) return;
        this.#queue = undefined;
        if (!this.closed) this.#socket.pause();
      },
    });
    if (this.closed) {
      queue.finish();
      return queue;
    }
    this.#queue = queue;
    if (this.#reading) this.#socket.resume();
    else {
      this.#reading = true;
      callNative(SocketOp.receive, this.ifname, () =>
        this.#socket.startReading(
          (error, data, lengths) => this.#onBatch(error, data, lengths),
          this.#batchFrames,
          this.#slotBytes,
        ),
      );
    }
    return queue;
  }

  /** Starts receiving frames sent to a multicast MAC (e.g. a solicited-node group). */
  /**
   * Hands the socket's receive side to a native reader in this process (openNeighborResponder):
   * `receive()` is refused from now on. Returns the fd and the receive slot size (MTU-sized
   * frames). The connection still sends, filters, joins groups and closes.
   */
  lendReceiveSide(): { readonly fd: number; readonly slotBytes: number } {
    this.#checkOpen(SocketOp.receive);
    if (this.#queue !== undefined || this.#lent) throw new ReceiveBusyError(this.ifname);
    this.#lent = true;
    return { fd: this.#socket.fd, slotBytes: this.#slotBytes };
  }

  addMembership(mac: string | Uint8Array): void {
    this.#membership(SocketOp.addMembership, PACKET_ADD_MEMBERSHIP, mac);
  }

  /** Stops receiving frames sent to a multicast MAC joined with addMembership(). */
  dropMembership(mac: string | Uint8Array): void {
    this.#membership(SocketOp.dropMembership, PACKET_DROP_MEMBERSHIP, mac);
  }

  /** Replaces the socket's BPF filter. */
  setFilter(filter: BpfProgram): void {
    this.#checkOpen(SocketOp.attachFilter);
    callNative(SocketOp.attachFilter, this.ifname, () => this.#socket.attachFilter(encodeBpfProgram(filter)));
  }

  /** Kernel counters since the socket was opened (PACKET_STATISTICS, accumulated here). */
  stats(): PacketStats {
    if (!this.closed) {
      // Reading PACKET_STATISTICS resets the kernel's counters, so keep running totals.
      const raw = callNative(SocketOp.stats, this.ifname, () =>
        this.#socket.getOption(SOL_PACKET, PACKET_STATISTICS, 8),
      );
      this.#received += raw.readUInt32LE(0);
      this.#dropped += raw.readUInt32LE(4);
    }
    return { received: this.#received, dropped: this.#dropped };
  }

  close(): Promise<void> {
    if (this.#closing !== undefined) return this.#closing;
    this.#closing = new Promise<void>((resolve) => {
      if (!this.#socket.close(resolve)) resolve();
    });
    this.#queue?.finish();
    return this.#closing;
  }

  #membership(op: SocketOp, option: number, mac: string | Uint8Array): void {
    this.#checkOpen(op);
    const request = membershipRequest(this.ifindex, macBytes(mac));
    callNative(op, this.ifname, () => this.#socket.setOption(SOL_PACKET, option, request));
  }

  #onBatch(error: Error | null, data: Buffer | undefined, lengths: Uint32Array | undefined): void {
    const queue = this.#queue;
    if (error !== null) {
      const socketError = toSocketError(error, SocketOp.receive, this.ifname);
      // The interface went down: the socket stays bound and delivers again once it is back up.
      if (socketError instanceof SocketError && socketError.errno === ENETDOWN) return;
      this.#socket.pause();
      queue?.finish(socketError);
      return;
    }
    if (queue === undefined || data === undefined || lengths === undefined) return;
    // `data` is a fresh copy per batch: frames may view into it without aliasing reused memory.
    const frames: Buffer[] = new Array(lengths.length);
    let offset = 0;
    for (let i = 0; i < lengths.length; i++) {
      const length = lengths[i]!;
      frames[i] = data.subarray(offset, offset + length);
      offset += length;
    }
    queue.push(frames);
  }

  #checkOpen(op: SocketOp): void {
    if (this.closed) throw new ConnClosedError(op, this.ifname);
  }
}

/**
 * Opens an AF_PACKET socket on `ifname`. The filter is attached before bind, so no unfiltered
 * frame is ever queued; outgoing frames are ignored unless asked for; VLAN tags the kernel moved
 * into metadata are put back into received frames.
 */
export function openPacketConn(ifname: string, options: OpenPacketConnOptions = {}): LinuxPacketConn {
  const { Socket } = loadAddon();
  const link = findInterface(ifname, options.netns === undefined ? {} : { netns: options.netns });
  // Protocol 0: the socket receives nothing until bind() names the protocol and interface.
  const socket = callNative(
    SocketOp.open,
    ifname,
    () => new Socket(AF_PACKET, SOCK_RAW, 0, netnsPath(options.netns)),
  );
  try {
    callNative(SocketOp.setOption, ifname, () => socket.setOption(SOL_PACKET, PACKET_AUXDATA, int32(1)));
    if (options.ignoreOutgoing ?? true) {
      callNative(SocketOp.setOption, ifname, () =>
        socket.setOption(SOL_PACKET, PACKET_IGNORE_OUTGOING, int32(1)),
      );
    }
    if (options.receiveBufferBytes !== undefined) {
      const bytes = int32(options.receiveBufferBytes);
      try {
        socket.setOption(SOL_SOCKET, SO_RCVBUFFORCE, bytes);
      } catch {
        callNative(SocketOp.setOption, ifname, () => socket.setOption(SOL_SOCKET, SO_RCVBUF, bytes));
      }
    }
    if (options.filter !== undefined) {
      const program = encodeBpfProgram(options.filter);
      callNative(SocketOp.attachFilter, ifname, () => socket.attachFilter(program));
    }
    callNative(SocketOp.bind, ifname, () => socket.bind(packetSockaddr(link.index)));
  } catch (error) {
    socket.close();
    throw error;
  }
  return new LinuxPacketConn({
    ifname,
    ifindex: link.index,
    socket,
    batchFrames: options.batchFrames ?? defaultBatchFrames,
    slotBytes: link.mtu + frameOverheadBytes,
  });
}
