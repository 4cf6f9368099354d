import { describe, expect, it } from 'vitest';
import { bgpMessageCodec, KEEPALIVE } from './bgp-message.ts';
import { MessageFramer } from './message-framer.ts';
import { catchWireError } from './testing/catch-wire-error.ts';
import { rawUpdate } from './testing/raw-message.ts';
import { SAMPLE_MESSAGES } from './testing/sample-messages.ts';

const codec = bgpMessageCodec();
const stream = Buffer.concat(SAMPLE_MESSAGES.map((message) => codec.encode(message)));
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

function drain(framer: MessageFramer): string[] {
  const out: string[] = [];
  for (let m = framer.next(); m !== undefined; m = framer.next()) out.push(hex(m));
  return out;
}

describe('MessageFramer', () => {
  const expected = SAMPLE_MESSAGES.map((message) => hex(codec.encode(message)));

  it('several messages in one read come out as views of the read, no copy', () => {
    const framer = new MessageFramer();
    framer.push(stream);
    const first = framer.next()!;
    expect(first.buffer).toBe(stream.buffer);
    expect([hex(first), ...drain(framer)]).toEqual(expected);
    expect(framer.bufferedBytes).toBe(0);
  });

  it.each([1, 2, 7, 19, 20, 64])('reads of %i bytes', (size) => {
    const framer = new MessageFramer();
    const out: string[] = [];
    for (let at = 0; at < stream.length; at += size) {
      framer.push(stream.subarray(at, at + size));
      out.push(...drain(framer));
    }
    expect(out).toEqual(expected);
    expect(framer.bufferedBytes).toBe(0);
  });

  it('a push before the previous read was drained keeps its bytes', () => {
    const framer = new MessageFramer();
    framer.push(stream.subarray(0, 100));
    framer.push(stream.subarray(100));
    expect(drain(framer)).toEqual(expected);
  });

  it('65535-byte messages once the maximum is raised (RFC 8654)', () => {
    const big = rawUpdate({ withdrawn: '20cb007107'.repeat(13102) });
    expect(big.length).toBe(65533);
    const framer = new MessageFramer();
    framer.push(big.subarray(0, 30));
    expect(catchWireError(() => framer.next()).code).toBe('ERR_BGP_BAD_LENGTH');
    const extended = new MessageFramer();
    extended.maxMessageLength = 65535;
    for (let at = 0; at < big.length; at += 1460) extended.push(big.subarray(at, at + 1460));
    expect(drain(extended).map((m) => m.length / 2)).toEqual([65533]);
  });

  it('a bad marker in the stream is a framing error', () => {
    const framer = new MessageFramer();
    const bytes = codec.encode(KEEPALIVE);
    bytes[0] = 0;
    framer.push(bytes);
    expect(catchWireError(() => framer.next()).code).toBe('ERR_BGP_BAD_MARKER');
  });
});
