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
} from './packet-socket-error.ts';
