/**
 * Fuzzing the session from a fake peer: once Established, the peer sends random bytes, truncated
 * and mutated valid messages, cut into random reads. Whatever arrives, the session never throws,
 * answers with exactly the NOTIFICATION the wire decoder (or the state machine, for a message out
 * of place) calls for, and after stop() holds no timer and no connection. FUZZ=1 runs more cases.
 */
import {
  type BgpMessage,
  BgpMessageError,
  bgpMessageCodec,
  decodeBgpMessage,
  FsmErrorSubcode,
  MessageFramer,
  MessageType,
  NotificationCode,
  type NotificationMessage,
  notificationFor,
} from '@baremetal-lb/bgp-wire';
import { bgpMessageArbitrary } from '@baremetal-lb/bgp-wire/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BgpSpeaker } from './bgp-speaker.ts';
import { buildOpen } from './negotiate.ts';
import { SessionState } from './session-state.ts';
import { ManualClock } from './testing/manual-clock.ts';
import { MemoryNetwork, settle } from './testing/memory-transport.ts';

const RUNS = process.env.FUZZ === '1' ? 2000 : 60;
const session = { fourOctetAs: true, maxMessageLength: 4096 };
const codec = bgpMessageCodec(session);

/** What an Established session must answer `stream` with: undefined when it stays up or the peer ended it. */
function expectedNotification(stream: Uint8Array): NotificationMessage | 'stays' | 'peerClosed' {
  const framer = new MessageFramer();
  try {
    framer.push(stream);
    for (let bytes = framer.next(); bytes !== undefined; bytes = framer.next()) {
      const message: BgpMessage = decodeBgpMessage(bytes, 0, bytes.length, session);
      if (message.type === MessageType.notification) return 'peerClosed';
      if (message.type === MessageType.open) {
        return {
          type: MessageType.notification,
          code: NotificationCode.finiteStateMachineError,
          subcode: FsmErrorSubcode.unexpectedMessageInEstablished,
          data: new Uint8Array(0),
        };
      }
    }
    return 'stays';
  } catch (error) {
    if (error instanceof BgpMessageError) return notificationFor(error);
    throw error;
  }
}

async function establishedPair() {
  const clock = new ManualClock();
  const network = new MemoryNetwork();
  const speaker = new BgpSpeaker({
    localAsn: 64512,
    routerId: '198.51.100.1',
    transport: network.transport,
    clock,
    random: () => 0.5,
  });
  const peer = speaker.addPeer({ peerAddress: '198.51.100.2', peerAsn: 65001 });
  peer.announce({ prefix: '203.0.113.1/32' });
  peer.start();
  const remote = network.connects[0]!;
  remote.accept();
  remote.send(
    buildOpen({ localAsn: 65001, routerId: 0xc6336402, holdTimeSeconds: 90, ipv4: true, ipv6: true }),
  );
  remote.send({ type: MessageType.keepalive });
  await settle();
  expect(peer.state).toBe(SessionState.established);
  remote.take();
  return { clock, speaker, peer, remote };
}

/** Generated messages that fit a 4096-byte session (the generator also makes longer ones). */
const encodable = bgpMessageArbitrary.filter((message) => {
  try {
    codec.encode(message);
    return true;
  } catch {
    return false;
  }
});

/** A byte stream: valid messages, some mutated or cut short, or plain random bytes behind a marker. */
const streamArbitrary = fc.oneof(
  fc.array(encodable, { minLength: 1, maxLength: 4 }).map((messages) => {
    const parts = messages.map((m) => codec.encode(m));
    return Buffer.concat(parts);
  }),
  fc.tuple(encodable, fc.nat(), fc.integer({ min: 0, max: 255 })).map(([message, at, value]) => {
    const bytes = Buffer.from(codec.encode(message));
    bytes[at % bytes.length] = value;
    return bytes;
  }),
  fc.tuple(encodable, fc.nat()).map(([message, cut]) => {
    const bytes = codec.encode(message);
    return bytes.subarray(0, cut % bytes.length);
  }),
  fc
    .uint8Array({ minLength: 1, maxLength: 300 })
    .map((body) => Buffer.concat([Buffer.alloc(16, 0xff), body])),
  fc.uint8Array({ minLength: 1, maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
);

describe('session fuzzing from a fake peer', () => {
  it('answers any byte stream with the right NOTIFICATION, never throws, leaks nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        streamArbitrary,
        fc.array(fc.integer({ min: 1, max: 64 }), { maxLength: 8 }),
        async (stream, cuts) => {
          const { clock, speaker, peer, remote } = await establishedPair();
          // Deliver in random-sized reads, as TCP may.
          let at = 0;
          for (const cut of cuts) {
            if (at >= stream.length) break;
            remote.write(stream.subarray(at, at + cut));
            at += cut;
          }
          if (at < stream.length) remote.write(stream.subarray(at));
          await settle();
          const expected = expectedNotification(stream);
          const sent = remote
            .take()
            .filter((m): m is NotificationMessage => m.type === MessageType.notification);
          if (expected === 'stays') {
            expect(sent).toEqual([]);
            expect(peer.state).toBe(SessionState.established);
          } else if (expected === 'peerClosed') {
            expect(sent).toEqual([]);
            expect(peer.state).toBe(SessionState.idle);
          } else {
            expect(sent).toEqual([expected]);
            expect(peer.state).toBe(SessionState.idle);
          }
          speaker.close();
          await settle();
          expect(peer.resources).toEqual({ timers: 0, connections: 0 });
          expect(clock.pending).toBe(0);
        },
      ),
      { numRuns: RUNS },
    );
  }, 120_000);
});
