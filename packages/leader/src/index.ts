export { LeaderError, LeaderErrorCode } from './leader-error.ts';
export type { Clock, TimerHandle } from './membership/clock.ts';
export { systemClock } from './membership/clock.ts';
export type {
  Member,
  MemberEvent,
  MembershipSnapshot,
} from './membership/member.ts';
export { MemberEventReason, MemberState } from './membership/member.ts';
export type { MemberListener, MembershipOptions } from './membership/membership.ts';
export { Membership } from './membership/membership.ts';
export type { MembershipConfig } from './membership/membership-config.ts';
export {
  defaultMembershipConfig,
  detectionTimeMs,
  resolveMembershipConfig,
  retransmitLimit,
  suspicionBoundsMs,
} from './membership/membership-config.ts';
export type { DropReason, MembershipStats } from './membership/membership-stats.ts';
export type { MembershipOffload, OffloadPacket, OffloadStats } from './membership/offload.ts';
export type { PacketHandler, Transport } from './membership/transport.ts';
export type { UdpTransportOptions } from './membership/udp-transport.ts';
export { formatUdpAddress, parseUdpAddress, UdpTransport } from './membership/udp-transport.ts';
export type { Candidate, CandidateInput } from './ranking/rank-candidates.ts';
export { electionDigest, electLeader, rankCandidates } from './ranking/rank-candidates.ts';
export { Ranker } from './ranking/ranker.ts';
