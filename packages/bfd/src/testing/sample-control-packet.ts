/** A valid control packet (Up, 50 ms, × 3, no authentication) with any fields replaced. */
import { BfdState } from '../bfd-constants.ts';
import type { ControlPacket } from '../control-packet.ts';

export function sampleControlPacket(fields: Partial<ControlPacket> = {}): ControlPacket {
  return {
    version: 1,
    diagnostic: 0,
    state: BfdState.up,
    poll: false,
    final: false,
    controlPlaneIndependent: false,
    demand: false,
    multipoint: false,
    detectMultiplier: 3,
    myDiscriminator: 1,
    yourDiscriminator: 2,
    desiredMinTxIntervalUs: 50_000,
    requiredMinRxIntervalUs: 50_000,
    requiredMinEchoRxIntervalUs: 0,
    auth: undefined,
    ...fields,
  };
}
