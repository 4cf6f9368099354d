export type { AuthSection, DigestAuthSection, DigestAuthType, PasswordAuthSection } from './auth-section.ts';
export type { BfdAuthKey } from './authenticate-packet.ts';
export { buildAuthSection, checkAuthKey, signPacketInto, verifyPacketAuth } from './authenticate-packet.ts';
export {
  AuthType,
  BFD_MULTIHOP_PORT,
  BFD_SINGLE_HOP_PORT,
  BFD_SINGLE_HOP_TTL,
  BFD_STATE_NAMES,
  BfdDiagnostic,
  BfdState,
} from './bfd-constants.ts';
export type {
  BfdEndpointOptions,
  DatagramOutcome,
  EndpointStats,
  SessionInfo,
  SessionSpec,
  StateChange,
} from './bfd-endpoint.ts';
export { BfdEndpoint } from './bfd-endpoint.ts';
export { BfdConfigError, BfdDecodeError, BfdError, BfdErrorCode, BfdTransportError } from './bfd-error.ts';
export type {
  BfdClock,
  BfdDatagram,
  BfdSender,
  BfdTransport,
  PacerStats,
  PaceSchedule,
  PeerAddress,
  SessionPacing,
} from './bfd-transport.ts';
export { systemClock } from './bfd-transport.ts';
export { BfdWorker } from './bfd-worker.ts';
export type { WorkerStartOptions } from './bfd-worker-protocol.ts';
export type { ControlPacket } from './control-packet.ts';
export {
  controlPacketEncodedLength,
  decodeControlPacket,
  encodeControlPacket,
  encodeControlPacketInto,
} from './control-packet.ts';
export type { SessionConfig, SessionOptions } from './session-config.ts';
export { createSessionConfig, DEFAULT_DETECT_MULTIPLIER, DEFAULT_INTERVAL_MS } from './session-config.ts';
export type { Random, ReceiveOutcome, ReceiveResult, SessionState, Transition } from './session-machine.ts';
export {
  createSession,
  expireTimers,
  receivePacket,
  reconfigure,
  setAdminDown,
  transmitPacket,
} from './session-machine.ts';
export {
  advertisedDesiredMinTxUs,
  detectionTimeUs,
  isDemandQuiet,
  nextDeadlineUs,
  periodicIntervalUs,
  transmitIntervalUs,
} from './session-timers.ts';
export type { PacedUdpTransport, PacedUdpTransportOptions, UdpTransportOptions } from './udp-transport.ts';
export { openPacedUdpTransport, openUdpTransport } from './udp-transport.ts';
