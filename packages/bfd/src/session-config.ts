/**
 * Per-session settings, named after MetalLB's BFDProfile (receiveInterval, transmitInterval,
 * detectMultiplier, passiveMode, echoMode, minimumTtl) and validated with its ranges. Defaults are
 * FRR's (bfdd), which MetalLB's FRR mode uses when a BFDProfile leaves a field unset.
 */
import { type BfdAuthKey, checkAuthKey } from './authenticate-packet.ts';
import { BfdConfigError } from './bfd-error.ts';

export type SessionConfig = {
  /** bfd.LocalDiscr: nonzero, unique among this system's sessions. */
  readonly localDiscriminator: number;
  /** bfd.DesiredMinTxInterval once Up, in microseconds. */
  readonly desiredMinTxIntervalUs: number;
  /** bfd.RequiredMinRxInterval, in microseconds. */
  readonly requiredMinRxIntervalUs: number;
  /** bfd.DetectMult, 2-255 as in BFDProfile (RFC 5880 allows 1). */
  readonly detectMultiplier: number;
  /** Passive role (RFC 5880 §6.1): send nothing until the peer has sent something. */
  readonly passive: boolean;
  /** bfd.AuthType and the key; undefined for no authentication. */
  readonly auth: BfdAuthKey | undefined;
};

/** FRR's defaults: 300 ms both ways, multiplier 3 (MetalLB `design/bgp-bfd.md`). */
export const DEFAULT_INTERVAL_MS = 300;
export const DEFAULT_DETECT_MULTIPLIER = 3;
/** RFC 5880 §6.8.3: while not Up, DesiredMinTxInterval is at least one second. */
export const SLOW_TX_INTERVAL_US = 1_000_000;

/** BFDProfile's interval range, 10..60000 ms. */
const MIN_INTERVAL_MS = 10;
const MAX_INTERVAL_MS = 60_000;

export type SessionOptions = {
  readonly localDiscriminator: number;
  /** BFDProfile transmitInterval (ms). Default 300. */
  readonly transmitIntervalMs?: number;
  /** BFDProfile receiveInterval (ms). Default 300. */
  readonly receiveIntervalMs?: number;
  /** BFDProfile detectMultiplier. Default 3. */
  readonly detectMultiplier?: number;
  /** BFDProfile passiveMode. Default false. */
  readonly passive?: boolean;
  readonly auth?: BfdAuthKey;
};

/** Validates `options` (BfdConfigError) and fills the defaults. */
export function createSessionConfig(options: SessionOptions): SessionConfig {
  const discriminator = options.localDiscriminator;
  if (!Number.isInteger(discriminator) || discriminator < 1 || discriminator > 0xffff_ffff) {
    throw new BfdConfigError('localDiscriminator', `${discriminator} is not 1..2^32-1`);
  }
  const tx = checkInterval('transmitIntervalMs', options.transmitIntervalMs ?? DEFAULT_INTERVAL_MS);
  const rx = checkInterval('receiveIntervalMs', options.receiveIntervalMs ?? DEFAULT_INTERVAL_MS);
  const multiplier = options.detectMultiplier ?? DEFAULT_DETECT_MULTIPLIER;
  if (!Number.isInteger(multiplier) || multiplier < 2 || multiplier > 255) {
    throw new BfdConfigError('detectMultiplier', `${multiplier} is not 2..255`);
  }
  if (options.auth !== undefined) checkAuthKey(options.auth);
  return {
    localDiscriminator: discriminator,
    desiredMinTxIntervalUs: tx * 1000,
    requiredMinRxIntervalUs: rx * 1000,
    detectMultiplier: multiplier,
    passive: options.passive ?? false,
    auth: options.auth,
  };
}

function checkInterval(option: string, ms: number): number {
  if (!Number.isInteger(ms) || ms < MIN_INTERVAL_MS || ms > MAX_INTERVAL_MS) {
    throw new BfdConfigError(option, `${ms} is not ${MIN_INTERVAL_MS}..${MAX_INTERVAL_MS} ms`);
  }
  return ms;
}
