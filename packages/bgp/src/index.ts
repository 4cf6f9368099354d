export type { RibOutTake } from './adj-rib-out.ts';
export { AdjRibOut } from './adj-rib-out.ts';
export type { BgpClock } from './bgp-clock.ts';
export { systemClock } from './bgp-clock.ts';
export { BgpError, BgpErrorCode } from './bgp-error.ts';
export type { BgpPeerEvents, PeerDependencies } from './bgp-peer.ts';
export { BgpPeer } from './bgp-peer.ts';
export type { BgpSpeakerOptions } from './bgp-speaker.ts';
export { BgpSpeaker } from './bgp-speaker.ts';
export type {
  BgpConnection,
  BgpListener,
  BgpTransport,
  ConnectionHandlers,
  ConnectOptions,
  ListenOptions,
} from './bgp-transport.ts';
export type { PeerContext } from './build-updates.ts';
export { buildAnnouncements, buildWithdrawals, DEFAULT_LOCAL_PREF } from './build-updates.ts';
export { describeNotification } from './describe-notification.ts';
export type { Negotiated, OpenOptions } from './negotiate.ts';
export { buildOpen, negotiate } from './negotiate.ts';
export type { ParsedPrefix } from './parse-prefix.ts';
export { parsePrefix } from './parse-prefix.ts';
export type { PeerOptions, ResolvedPeerOptions } from './peer-options.ts';
export { resolvePeerOptions } from './peer-options.ts';
export type { PeerCounters, PeerError, PeerStatus } from './peer-status.ts';
export type { NormalizedRoute, Route } from './route.ts';
export { normalizeRoute } from './route.ts';
export type { SessionAction } from './session-action.ts';
export type { ConnectionDirection, SessionEvent } from './session-event.ts';
export { TimerName } from './session-event.ts';
export type { Connection, MachineConfig, SessionModel, Transition } from './session-machine.ts';
export { backoffMs, initialModel, OPEN_SENT_HOLD_MS, transition } from './session-machine.ts';
export type { ConnectionPhase } from './session-state.ts';
export { SessionState } from './session-state.ts';
export type { TcpTransportOptions } from './tcp-transport.ts';
export { createTcpTransport } from './tcp-transport.ts';
