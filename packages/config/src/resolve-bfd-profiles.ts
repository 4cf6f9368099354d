/**
 * BFDProfile objects → BFD session parameters with FRR's defaults filled in (MetalLB's
 * design/bgp-bfd.md: 300 ms both ways, multiplier 3, echo 50 ms, minimum TTL 254). A profile with
 * a value out of range is left out; peers that name it are then reported as for a missing one.
 */
import type { ConfigProblem } from './config-problem.ts';
import { nameObjects } from './name-objects.ts';
import { objectReporter } from './object-reporter.ts';
import { readOptionalBoolean, readOptionalInteger, specOf } from './read-fields.ts';

export type ResolvedBfdProfile = {
  readonly name: string;
  /** Required Min RX Interval, ms (RFC 5880 section 4.1). */
  readonly receiveIntervalMs: number;
  /** Desired Min TX Interval, ms. */
  readonly transmitIntervalMs: number;
  readonly detectMultiplier: number;
  readonly echoIntervalMs: number;
  readonly echoMode: boolean;
  readonly passiveMode: boolean;
  readonly minimumTtl: number;
};

const kind = 'BFDProfile';
const interval = { min: 10, max: 60_000 };

export function resolveBfdProfiles(
  objects: readonly unknown[],
  problems: ConfigProblem[],
): ReadonlyMap<string, ResolvedBfdProfile> {
  const profiles = new Map<string, ResolvedBfdProfile>();
  for (const { name, object } of nameObjects(kind, objects as { metadata?: unknown }[], problems)) {
    const { report, broken } = objectReporter(kind, name, problems, 'BFD profile');
    const spec = specOf(object);
    const profile: ResolvedBfdProfile = {
      name,
      receiveIntervalMs:
        readOptionalInteger(spec.receiveInterval, 'spec.receiveInterval', report, interval) ?? 300,
      transmitIntervalMs:
        readOptionalInteger(spec.transmitInterval, 'spec.transmitInterval', report, interval) ?? 300,
      detectMultiplier:
        readOptionalInteger(spec.detectMultiplier, 'spec.detectMultiplier', report, { min: 2, max: 255 }) ??
        3,
      echoIntervalMs: readOptionalInteger(spec.echoInterval, 'spec.echoInterval', report, interval) ?? 50,
      echoMode: readOptionalBoolean(spec.echoMode, 'spec.echoMode', report) ?? false,
      passiveMode: readOptionalBoolean(spec.passiveMode, 'spec.passiveMode', report) ?? false,
      minimumTtl:
        readOptionalInteger(spec.minimumTtl, 'spec.minimumTtl', report, { min: 1, max: 254 }) ?? 254,
    };
    if (!broken()) profiles.set(name, profile);
  }
  return profiles;
}
