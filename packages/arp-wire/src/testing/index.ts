export {
  arpFrameArbitrary,
  ipv4Arbitrary,
  ipv6Arbitrary,
  macArbitrary,
  ndpFrameArbitrary,
  ndpOptionArbitrary,
  vlanTagArbitrary,
} from './arbitraries.ts';
export { catchWireError } from './catch-wire-error.ts';
export { dissectWithTshark } from './dissect-with-tshark.ts';
export type { FrameField } from './frame-fields.ts';
export { splitFrameFields } from './frame-fields.ts';
export { readPcap, writePcap } from './pcap.ts';
export { checkRoundTrip, mutatedFrame } from './round-trip.ts';
export {
  formatVectorFile,
  listVectors,
  listVectorsIn,
  parseVectorFile,
  readVector,
  readVectorIn,
  VECTORS_DIR,
} from './vector-file.ts';
