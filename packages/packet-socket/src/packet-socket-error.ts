/**
 * The error hierarchy of @baremetal-lb/packet-socket. Every error carries a stable `code`:
 * SocketError uses the errno name the kernel returned (`ENETDOWN`, `EPERM`, Node's convention for
 * system errors); the others use `ERR_PACKET_*` codes.
 */
import { constants } from 'node:os';

/** Base class: `instanceof PacketSocketError` catches everything this package throws on purpose. */
export class PacketSocketError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The socket operations that can fail, as named in SocketError.op. */
export const SocketOp = {
  open: 'open',
  bind: 'bind',
  attachFilter: 'attachFilter',
  addMembership: 'addMembership',
  dropMembership: 'dropMembership',
  setOption: 'setOption',
  sendTo: 'sendTo',
  receive: 'receive',
  send: 'send',
  sendBatch: 'sendBatch',
  stats: 'stats',
} as const;
export type SocketOp = (typeof SocketOp)[keyof typeof SocketOp];

const errnoNames = new Map<number, string>(
  Object.entries(constants.errno).map(([name, value]) => [value, name] as const),
);

/** The errno name (`ENETDOWN`) of a positive errno number, or `E<number>` when unknown. */
export function errnoName(errno: number): string {
  return errnoNames.get(errno) ?? `E${errno}`;
}

/** Plain-words hints for the errors a user can fix. */
function hintFor(op: SocketOp, code: string): string {
  if (code === 'EPERM' || code === 'EACCES') {
    return ' — raw packet sockets need the CAP_NET_RAW capability: run as root, or grant it with `setcap cap_net_raw+ep "$(command -v node)"`';
  }
  if (code === 'ENETDOWN') return ' — the interface is down';
  if (code === 'ENXIO' || code === 'ENODEV') return ' — the interface does not exist (any more)';
  if (code === 'EMSGSIZE' && (op === SocketOp.send || op === SocketOp.sendBatch)) {
    return ' — the frame is larger than the interface MTU plus the Ethernet header';
  }
  return '';
}

/** A system call on a packet socket failed; `errno` is the positive kernel errno. */
export class SocketError extends PacketSocketError {
  readonly op: SocketOp;
  readonly errno: number;
  /** The interface the socket is bound to, or '' before bind. */
  readonly ifname: string;
  constructor(fields: { op: SocketOp; errno: number; ifname: string }, options?: ErrorOptions) {
    const code = errnoName(fields.errno);
    const where = fields.ifname === '' ? '' : ` on "${fields.ifname}"`;
    super(code, `packet socket ${fields.op}${where} failed: ${code}${hintFor(fields.op, code)}`, options);
    this.op = fields.op;
    this.errno = fields.errno;
    this.ifname = fields.ifname;
  }
}

/** Packet sockets exist on Linux only; thrown when opening one anywhere else. */
export class NotSupportedError extends PacketSocketError {
  readonly platform: string;
  constructor(platform: string, what = 'AF_PACKET sockets') {
    super('ERR_PACKET_NOT_SUPPORTED', `${what} are only supported on Linux, not on "${platform}"`);
    this.platform = platform;
  }
}

/** The native addon was not built (the install script failed or was skipped). */
export class AddonNotBuiltError extends PacketSocketError {
  constructor(cause: unknown) {
    super(
      'ERR_PACKET_ADDON_NOT_BUILT',
      'the packet-socket native addon is not built: run `npm run build:native -w @baremetal-lb/packet-socket` (needs g++, make and python3)',
      { cause },
    );
  }
}

/** A named interface does not exist in the namespace that was searched. */
export class InterfaceNotFoundError extends PacketSocketError {
  readonly ifname: string;
  constructor(ifname: string) {
    super('ERR_PACKET_INTERFACE_NOT_FOUND', `interface "${ifname}" not found`);
    this.ifname = ifname;
  }
}

/** An argument is out of range (bad MAC length, empty BPF program, jump too far, ...). */
export class InvalidArgumentError extends PacketSocketError {
  readonly argument: string;
  constructor(argument: string, problem: string) {
    super('ERR_PACKET_INVALID_ARGUMENT', `invalid ${argument}: ${problem}`);
    this.argument = argument;
  }
}

/** receive() was called while another receive iterator is still active on the same connection. */
export class ReceiveBusyError extends PacketSocketError {
  constructor(ifname: string) {
    super('ERR_PACKET_RECEIVE_BUSY', `a receive iterator is already active on "${ifname}"`);
  }
}

/** The connection is closed. */
export class ConnClosedError extends PacketSocketError {
  readonly op: SocketOp;
  constructor(op: SocketOp, ifname: string) {
    super('ERR_PACKET_CLOSED', `packet socket ${op} on "${ifname}": the connection is closed`);
    this.op = op;
  }
}

/** sched_setscheduler refused the realtime priority asked for the calling thread. */
export class ThreadPriorityError extends PacketSocketError {
  readonly priority: number;
  readonly errno: number;
  constructor(priority: number, errno: number, options?: ErrorOptions) {
    const code = errnoName(errno);
    const hint =
      code === 'EPERM'
        ? ' — realtime scheduling needs the CAP_SYS_NICE capability (or an RLIMIT_RTPRIO of at least this priority)'
        : '';
    super(code, `cannot run this thread at SCHED_FIFO priority ${priority}: ${code}${hint}`, options);
    this.priority = priority;
    this.errno = errno;
  }
}
