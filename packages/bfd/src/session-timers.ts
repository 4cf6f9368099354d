/**
 * The timer values a session's state implies (RFC 5880 §6.8.3, §6.8.4, §6.8.7), derived on demand
 * so the state holds no copy that could drift.
 */
import { BfdState } from './bfd-constants.ts';
import { SLOW_TX_INTERVAL_US } from './session-config.ts';
import type { SessionState } from './session-machine.ts';

/** bfd.DesiredMinTxInterval as advertised now: at least 1 s while not Up (§6.8.3). */
export function advertisedDesiredMinTxUs(session: SessionState): number {
  const configured = session.config.desiredMinTxIntervalUs;
  return session.state === BfdState.up ? configured : Math.max(configured, SLOW_TX_INTERVAL_US);
}

/** The detection time (§6.8.4, asynchronous mode) in µs; 0 before the first packet. */
export function detectionTimeUs(session: SessionState): number {
  return (
    session.remoteDetectMultiplier *
    Math.max(session.rxIntervalInForceUs, session.remoteDesiredMinTxIntervalUs)
  );
}

/** The agreed transmit interval before jitter (§6.8.7); 0 = do not transmit periodically. */
export function transmitIntervalUs(session: SessionState): number {
  if (session.remoteMinRxIntervalUs === 0) return 0;
  return Math.max(session.txIntervalInForceUs, session.remoteMinRxIntervalUs);
}

/** The earliest time the caller must call expireTimers, or undefined for none. */
export function nextDeadlineUs(session: SessionState): number | undefined {
  let deadline: number | undefined;
  for (const at of [session.nextTransmitAtUs, session.detectionAtUs, session.authSeqExpiresAtUs]) {
    if (at !== undefined && (deadline === undefined || at < deadline)) deadline = at;
  }
  return deadline;
}

/** §6.8.7: no periodic packets while the peer runs Demand mode and both are Up (Polls excepted). */
export function isDemandQuiet(session: SessionState): boolean {
  return (
    session.remoteDemand &&
    session.state === BfdState.up &&
    session.remoteState === BfdState.up &&
    !session.polling
  );
}

/**
 * The interval (µs, before jitter) at which periodic packets go out now, 0 for none: for a pacer
 * that sends them while the session state stays here. Periodic transmission is on exactly when
 * the state machine has a next transmission time (off for a passive session that has not heard
 * from its peer, §6.1).
 */
export function periodicIntervalUs(session: SessionState): number {
  if (session.nextTransmitAtUs === undefined || isDemandQuiet(session)) return 0;
  return transmitIntervalUs(session);
}
