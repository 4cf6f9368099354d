export type { BpfStep, BpfTarget } from './bpf/bpf-assembler.ts';
export {
  accept,
  and,
  assemble,
  drop,
  jump,
  jumpIfEqual,
  label,
  load,
  loadAncillary,
} from './bpf/bpf-assembler.ts';
export type { FilterOptions } from './bpf/bpf-filters.ts';
export {
  acceptAllFilter,
  arpRequestFilter,
  dropAllFilter,
  neighborSolicitationFilter,
} from './bpf/bpf-filters.ts';
export type { BpfInstruction, BpfProgram } from './bpf/bpf-instruction.ts';
export { Bpf, BpfAncillary, encodeBpfProgram } from './bpf/bpf-instruction.ts';
export type { BpfFrameMetadata } from './bpf/run-bpf.ts';
export { runBpf } from './bpf/run-bpf.ts';
export type {
  DiscoverOptions,
  InterfaceAddress,
  InterfaceFlags,
  NetworkInterface,
} from './discover-interfaces.ts';
export {
  AddressScope,
  assembleInterfaces,
  discoverInterfaces,
  findInterface,
} from './discover-interfaces.ts';
export { macBytes, parseMac, solicitedNodeMac } from './mac-address.ts';
export type { MallocTrimmer } from './malloc-trim.ts';
export { defaultMallocTrimIntervalMs, startMallocTrim, trimMallocHeap } from './malloc-trim.ts';
export { isAddonAvailable } from './native-addon.ts';
export type { AddressMessage, LinkMessage, RouteMessage } from './netlink/route-messages.ts';
export type {
  BfdPacer,
  BfdPacerOptions,
  PacedDatagram,
  PacedSession,
  PacerStats,
  PaceSchedule,
} from './open-bfd-pacer.ts';
export { bfdPacerSchedule, monotonicTimeUs, openBfdPacer } from './open-bfd-pacer.ts';
export type {
  MembershipLink,
  MembershipLinkPacket,
  MembershipLinkStats,
  OpenMembershipLinkOptions,
} from './open-membership-link.ts';
export { openMembershipLink } from './open-membership-link.ts';
export type {
  AnsweredAddress,
  NeighborCount,
  NeighborCpuBudget,
  NeighborPriorityChange,
  NeighborRateLimit,
  NeighborResponder,
  OpenNeighborResponderOptions,
} from './open-neighbor-responder.ts';
export { NeighborConn, openNeighborResponder } from './open-neighbor-responder.ts';
export type { OpenPacketConnOptions, PacketStats } from './open-packet-conn.ts';
export { defaultBatchFrames, LinuxPacketConn, openPacketConn } from './open-packet-conn.ts';
export type { OpenUdpSocketOptions, UdpDatagram, UdpSocket } from './open-udp-socket.ts';
export { openUdpSocket } from './open-udp-socket.ts';
export type { FrameBatch, PacketConn, ReceiveOptions } from './packet-conn.ts';
export { defaultHighWaterMarkFrames, eachFrame } from './packet-conn.ts';
export {
  AddonNotBuiltError,
  ConnClosedError,
  errnoName,
  InterfaceNotFoundError,
  InvalidArgumentError,
  NotSupportedError,
  PacketSocketError,
  ReceiveBusyError,
  SocketError,
  SocketOp,
  ThreadPriorityError,
} from './packet-socket-error.ts';
export type { SocketAddress } from './socket-address.ts';
export { decodeSocketAddress, encodeSocketAddress } from './socket-address.ts';
export type { StreamFdOptions } from './stream-fd.ts';
export { closeStreamFd, openStreamFd, setTcpMd5Key } from './stream-fd.ts';
export { maxRealtimePriority, minRealtimePriority, setThreadRealtimePriority } from './thread-priority.ts';
export type { InterfaceChangeListener, InterfaceWatcher, WatchOptions } from './watch-interfaces.ts';
export { watchInterfaces } from './watch-interfaces.ts';
