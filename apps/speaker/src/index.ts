export type { BgpState } from './bgp/bgp-state.ts';
export type {
  DesiredRoute,
  DesiredRoutes,
  PeerPlan,
  ServiceBgpDecision,
} from './bgp/desired-routes.ts';
export { BgpReason, desiredRoutes } from './bgp/desired-routes.ts';
export type { LogLevel, SpeakerFlags } from './cli/speaker-flags.ts';
export { FlagError, parseSpeakerFlags, speakerUsage } from './cli/speaker-flags.ts';
export type { Placement, PlacementDiff, ResponderInterface } from './layer2/announce/announcer.ts';
export { Announcer, diffPlacements, placeAnnouncements } from './layer2/announce/announcer.ts';
export {
  defaultGratuitousOptions,
  GratuitousScheduler,
  gratuitousOffsetsMs,
} from './layer2/announce/gratuitous-schedule.ts';
export type {
  Announcement,
  DesiredAnnouncements,
  InterfaceSelection,
  ServiceDecision,
} from './layer2/election/desired-announcements.ts';
export { AnnounceReason, desiredAnnouncements, isServing } from './layer2/election/desired-announcements.ts';
export type {
  EndpointView,
  NodeView,
  ServiceView,
  SpeakerState,
} from './layer2/election/speaker-state.ts';
export { EXCLUDE_FROM_LB_LABEL } from './layer2/election/speaker-state.ts';
export type { InterfaceInfo } from './layer2/interfaces/interface-eligibility.ts';
export {
  compileExcludePatterns,
  defaultExcludeInterfacePatterns,
  interfaceEligibility,
} from './layer2/interfaces/interface-eligibility.ts';
export { ArpResponder } from './layer2/responder/arp-responder.ts';
export { ConflictDetector } from './layer2/responder/conflict-detector.ts';
export { FrameOutcome } from './layer2/responder/frame-outcome.ts';
export { NdpResponder } from './layer2/responder/ndp-responder.ts';
export { SourceRateLimiter } from './layer2/responder/source-rate-limiter.ts';
export type { RunningSpeaker } from './run-speaker.ts';
export { runSpeaker } from './run-speaker.ts';
