export type { Placement, PlacementDiff, ResponderInterface } from './announce/announcer.ts';
export { Announcer, diffPlacements, placeAnnouncements } from './announce/announcer.ts';
export {
  defaultGratuitousOptions,
  GratuitousScheduler,
  gratuitousOffsetsMs,
} from './announce/gratuitous-schedule.ts';
export type { LogLevel, SpeakerFlags } from './cli/speaker-flags.ts';
export { FlagError, parseSpeakerFlags, speakerUsage } from './cli/speaker-flags.ts';
export type {
  Announcement,
  DesiredAnnouncements,
  InterfaceSelection,
  ServiceDecision,
} from './election/desired-announcements.ts';
export { AnnounceReason, desiredAnnouncements, isServing } from './election/desired-announcements.ts';
export type {
  EndpointView,
  NodeView,
  ServiceView,
  SpeakerState,
} from './election/speaker-state.ts';
export { EXCLUDE_FROM_LB_LABEL } from './election/speaker-state.ts';
export type { InterfaceInfo } from './interfaces/interface-eligibility.ts';
export {
  compileExcludePatterns,
  defaultExcludeInterfacePatterns,
  interfaceEligibility,
} from './interfaces/interface-eligibility.ts';
export { ArpResponder } from './responder/arp-responder.ts';
export { ConflictDetector } from './responder/conflict-detector.ts';
export { FrameOutcome } from './responder/frame-outcome.ts';
export { NdpResponder } from './responder/ndp-responder.ts';
export { SourceRateLimiter } from './responder/source-rate-limiter.ts';
export type { RunningSpeaker } from './run-speaker.ts';
export { runSpeaker } from './run-speaker.ts';
