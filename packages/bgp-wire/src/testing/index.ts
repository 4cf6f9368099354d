export {
  bgpMessageArbitrary,
  ipv4PrefixArbitrary,
  ipv6PrefixArbitrary,
  pathAttributesArbitrary,
} from './arbitraries.ts';
export { catchWireError } from './catch-wire-error.ts';
export { splitMessageFields } from './message-fields.ts';
export { MANDATORY_ATTRIBUTES, ONE_PREFIX, rawMessage, rawUpdate } from './raw-message.ts';
export { checkRoundTrip, mutatedMessage } from './round-trip.ts';
export { SAMPLE_MESSAGES, SERVICE_UPDATE, SERVICE_UPDATE_IPV6, SPEAKER_OPEN } from './sample-messages.ts';
export { wrapInTcpFrame } from './tcp-frame.ts';
export type { TcpStream } from './tcp-streams.ts';
export { readTcpStreams } from './tcp-streams.ts';
export { listVectors, readVector, VECTORS_DIR } from './vector-file.ts';
