/**
 * pacedTransport: a BfdTransport (e.g. MemoryNetwork's) with an in-memory model of
 * packet-socket's pacer thread on the injected clock, for unit tests of the endpoint's paced
 * path: periodic packets at the jittered interval (RFC 5880 §6.8.7), the detection timer
 * restarted by packets for the session (Your Discriminator, or the source for a Down packet
 * without one) from its peer with the minimum TTL, expiries reported at the missed deadline.
 * The real thread is tested in packet-socket (open-bfd-pacer.test.ts).
 */
import type {
  BfdClock,
  BfdDatagram,
  BfdSender,
  BfdTransport,
  PaceSchedule,
  PeerAddress,
  SessionPacing,
} from '../bfd-transport.ts';

type Paced = {
  readonly peer: PeerAddress;
  readonly pacing: SessionPacing;
  readonly sender: BfdSender;
  schedule: PaceSchedule | undefined;
  lastRxUs: number | undefined;
  cancelTransmit: (() => void) | undefined;
  cancelDetection: (() => void) | undefined;
};

export type PacedMemoryTransport = BfdTransport & {
  /** The last schedule the endpoint handed over, per local discriminator. */
  readonly schedules: ReadonlyMap<number, PaceSchedule>;
};

export function pacedTransport(
  inner: BfdTransport,
  clock: BfdClock,
  random = () => 0.5,
): PacedMemoryTransport {
  const sessions = new Map<number, Paced>();
  const schedules = new Map<number, PaceSchedule>();

  const armTransmit = (s: Paced, delayUs: number) => {
    s.cancelTransmit?.();
    s.cancelTransmit = undefined;
    const schedule = s.schedule;
    if (schedule === undefined || schedule.intervalUs === 0) return;
    s.cancelTransmit = clock.schedule(delayUs, () => {
      s.sender.send(schedule.packet);
      armTransmit(s, jittered(schedule));
    });
  };
  const jittered = (schedule: PaceSchedule) =>
    schedule.intervalUs * (0.75 + (schedule.detectMultiplier === 1 ? 0.15 : 0.25) * random());
  const armDetection = (s: Paced) => {
    s.cancelDetection?.();
    s.cancelDetection = undefined;
    const detection = s.schedule?.detectionTimeUs ?? 0;
    if (detection === 0 || s.lastRxUs === undefined) return;
    const deadline = s.lastRxUs + detection;
    s.cancelDetection = clock.schedule(deadline - clock.nowUs(), () => s.pacing.onDetectionExpired(deadline));
  };
  const match = (d: BfdDatagram): Paced | undefined => {
    if (d.data.length < 24) return undefined;
    const view = new DataView(d.data.buffer, d.data.byteOffset, d.data.byteLength);
    const your = view.getUint32(8);
    const candidates =
      your !== 0
        ? [sessions.get(your)]
        : [...sessions.values()].filter((s) => s.peer.peerAddress === d.fromAddress);
    const s = candidates[0];
    if (s === undefined || s.peer.peerAddress !== d.fromAddress || d.ttl < s.pacing.minimumTtl)
      return undefined;
    return s;
  };

  return {
    schedules,
    listen(peer, onDatagram) {
      inner.listen(peer, (d) => {
        const receivedAtUs = clock.nowUs();
        const s = match(d);
        if (s !== undefined) {
          s.lastRxUs = receivedAtUs;
          armDetection(s);
        }
        onDatagram({ ...d, receivedAtUs });
      });
    },
    openSender(peer, pacing) {
      const sender = inner.openSender(peer);
      if (pacing === undefined) return sender;
      const s: Paced = {
        peer,
        pacing,
        sender,
        schedule: undefined,
        lastRxUs: undefined,
        cancelTransmit: undefined,
        cancelDetection: undefined,
      };
      sessions.set(pacing.localDiscriminator, s);
      return {
        sourcePort: sender.sourcePort,
        send(packet) {
          const sent = sender.send(packet);
          if (s.schedule !== undefined) armTransmit(s, jittered(s.schedule));
          return sent;
        },
        pace(schedule) {
          const changed = schedule.intervalUs !== s.schedule?.intervalUs;
          const first = s.schedule === undefined || s.schedule.intervalUs === 0;
          s.schedule = { ...schedule, packet: Uint8Array.from(schedule.packet) };
          schedules.set(pacing.localDiscriminator, s.schedule);
          if (changed) armTransmit(s, first ? 0 : jittered(schedule));
          if (schedule.detectionTimeUs !== 0 && s.lastRxUs === undefined) s.lastRxUs = clock.nowUs();
          armDetection(s);
        },
        close() {
          s.cancelTransmit?.();
          s.cancelDetection?.();
          sessions.delete(pacing.localDiscriminator);
          sender.close();
        },
      };
    },
    close: () => inner.close(),
  };
}
