/**
 * Framing and per-message errors (RFC 4271 section 6.1, 6.2; RFC 7313 section 5; RFC 8654
 * section 4): each a typed error with a stable code and the NOTIFICATION to send.
 */
import { describe, expect, it } from 'vitest';
import { bgpMessageCodec, decodeBgpMessage, encodeBgpMessageInto, KEEPALIVE } from './bgp-message.ts';
import { BgpMessageError, type BgpWireError, TruncatedError } from './errors.ts';
import { notificationFor } from './notification-message.ts';
import { catchWireError } from './testing/catch-wire-error.ts';
import { rawMessage, rawUpdate } from './testing/raw-message.ts';
import { SAMPLE_MESSAGES, SERVICE_UPDATE } from './testing/sample-messages.ts';

function notificationOf(error: BgpWireError): [number, number, string] {
  if (!(error instanceof BgpMessageError)) throw new Error(`expected BgpMessageError, got ${error.code}`);
  return [error.notificationCode, error.notificationSubcode, Buffer.from(error.data).toString('hex')];
}

const OPEN_BODY = '04 fde9 005a c6336401 00';

describe('header errors', () => {
  it('a marker that is not all ones: Connection Not Synchronized', () => {
    const bytes = rawMessage(4, '');
    bytes[3] = 0;
    const error = catchWireError(() => decodeBgpMessage(bytes));
    expect(error.code).toBe('ERR_BGP_BAD_MARKER');
    expect(notificationOf(error)).toEqual([1, 1, '']);
  });

  it.each([
    ['KEEPALIVE of 20 bytes', 4, '00', undefined, '0014'],
    ['OPEN shorter than 29', 1, '04 fde9 005a', undefined, '0018'],
    ['UPDATE shorter than 23', 2, '0000', undefined, '0015'],
    ['length field under 19', 4, '', 18, '0012'],
    ['length field over 4096', 2, '00000000', 4097, '1001'],
  ])('%s: Bad Message Length with the length as data', (_name, type, body, length, data) => {
    const bytes = rawMessage(type, body, length);
    const error = catchWireError(() => decodeBgpMessage(bytes));
    expect(error.code).toBe('ERR_BGP_BAD_LENGTH');
    expect(notificationOf(error)).toEqual([1, 2, data]);
  });

  it('type 7: Bad Message Type with the type as data', () => {
    expect(notificationOf(catchWireError(() => decodeBgpMessage(rawMessage(7, ''))))).toEqual([1, 3, '07']);
  });

  it('an UPDATE up to 65535 bytes is accepted only with Extended Message (RFC 8654)', () => {
    const bytes = rawUpdate({ withdrawn: '20cb007107'.repeat(1000) });
    expect(catchWireError(() => decodeBgpMessage(bytes)).code).toBe('ERR_BGP_BAD_LENGTH');
    const extended = decodeBgpMessage(bytes, 0, bytes.length, { fourOctetAs: true, maxMessageLength: 65535 });
    expect(extended.type === 2 && extended.withdrawn.length).toBe(1000);
  });

  it('an OPEN stays within 4096 bytes even when extended (RFC 8654 section 4)', () => {
    const bytes = rawMessage(1, `04 fde9 005a c6336401 ff ${'02 00'.repeat(2100)}`);
    const error = catchWireError(() =>
      decodeBgpMessage(bytes, 0, bytes.length, { fourOctetAs: true, maxMessageLength: 65535 }),
    );
    expect(error.code).toBe('ERR_BGP_BAD_LENGTH');
  });

  it('a buffer shorter than the Length field: TruncatedError, not a NOTIFICATION', () => {
    const bytes = rawMessage(4, '', 23);
    const error = catchWireError(() => decodeBgpMessage(bytes));
    expect(error).toBeInstanceOf(TruncatedError);
    expect(error).toMatchObject({ code: 'ERR_BGP_TRUNCATED', offset: 0, needed: 23, available: 19 });
  });
});

describe('OPEN errors (RFC 4271 section 6.2)', () => {
  it.each([
    ['version 3', '03 fde9 005a c6336401 00', 'ERR_BGP_OPEN_UNSUPPORTED_VERSION', [2, 1, '0004']],
    ['hold time 2', '04 fde9 0002 c6336401 00', 'ERR_BGP_OPEN_BAD_HOLD_TIME', [2, 6, '']],
    ['BGP identifier 0', '04 fde9 005a 00000000 00', 'ERR_BGP_OPEN_BAD_IDENTIFIER', [2, 3, '']],
    [
      'parameters length past the message',
      '04 fde9 005a c6336401 04 0200',
      'ERR_BGP_OPEN_MALFORMED_PARAMETERS',
      [2, 0, ''],
    ],
    [
      'a capability overrunning its parameter',
      '04 fde9 005a c6336401 04 0202 4104',
      'ERR_BGP_OPEN_MALFORMED_CAPABILITY',
      [2, 0, ''],
    ],
    [
      'a 4-octet AS capability of length 2',
      '04 fde9 005a c6336401 06 0204 4102 fde9',
      'ERR_BGP_OPEN_MALFORMED_CAPABILITY',
      [2, 0, ''],
    ],
  ])('%s', (_name, body, code, notification) => {
    const error = catchWireError(() => decodeBgpMessage(rawMessage(1, body)));
    expect(error.code).toBe(code);
    expect(notificationOf(error)).toEqual(notification);
  });

  it('hold time 0 and unknown capabilities are accepted; unknown ones kept raw', () => {
    const open = decodeBgpMessage(rawMessage(1, '04 fde9 0000 c6336401 07 0205 4903 02766d'));
    expect(open).toEqual({
      type: 1,
      myAs: 65001,
      holdTime: 0,
      bgpIdentifier: 0xc6336401,
      parameters: [
        {
          kind: 'capabilities',
          capabilities: [{ kind: 'raw', code: 73, value: Uint8Array.of(2, 0x76, 0x6d) }],
        },
      ],
    });
  });

  it('an OPEN without parameters', () => {
    expect(decodeBgpMessage(rawMessage(1, OPEN_BODY))).toMatchObject({ type: 1, parameters: [] });
  });
});

describe('ROUTE-REFRESH and NOTIFICATION', () => {
  it('a ROUTE-REFRESH of 24 bytes: ROUTE-REFRESH Message Error / Invalid Message Length with the message as data', () => {
    const bytes = rawMessage(5, '0001 00 01 00');
    const error = catchWireError(() => decodeBgpMessage(bytes));
    expect(error.code).toBe('ERR_BGP_ROUTE_REFRESH_BAD_LENGTH');
    expect(notificationOf(error)).toEqual([7, 1, Buffer.from(bytes).toString('hex')]);
  });

  it('notificationFor turns an error into the message to send', () => {
    const error = catchWireError(() => decodeBgpMessage(rawMessage(9, '')));
    if (!(error instanceof BgpMessageError)) throw new Error('not a BgpMessageError');
    const codec = bgpMessageCodec();
    expect(Buffer.from(codec.encode(notificationFor(error))).toString('hex')).toBe(
      `${'ff'.repeat(16)}001603010309`,
    );
  });
});

describe('encoding', () => {
  it.each(SAMPLE_MESSAGES.map((message, index) => [index, message] as const))(
    'sample %i round-trips',
    (_index, message) => {
      const codec = bgpMessageCodec();
      expect(codec.decode(codec.encode(message))).toEqual(message);
    },
  );

  it('too small a buffer and too long a message are typed errors', () => {
    expect(catchWireError(() => encodeBgpMessageInto(KEEPALIVE, new Uint8Array(18), 0)).code).toBe(
      'ERR_BGP_ENCODE_BUFFER_TOO_SMALL',
    );
    const huge = { ...SERVICE_UPDATE, nlri: new Array(1000).fill({ address: 0xcb007107, length: 32 }) };
    expect(catchWireError(() => encodeBgpMessageInto(huge, new Uint8Array(8192), 0)).code).toBe(
      'ERR_BGP_ENCODE_TOO_LONG',
    );
  });

  it('an OPEN whose parameters do not fit their one-octet lengths is a typed error, not a wrong byte', () => {
    const open = (parameters: readonly { kind: 'raw'; type: number; value: Uint8Array }[]) =>
      ({ type: 1, myAs: 65001, holdTime: 90, bgpIdentifier: 0xc6336401, parameters }) as const;
    const buf = new Uint8Array(4096);
    const oneTooBig = open([{ kind: 'raw', type: 200, value: new Uint8Array(256) }]);
    expect(catchWireError(() => encodeBgpMessageInto(oneTooBig, buf, 0)).code).toBe(
      'ERR_BGP_ENCODE_TOO_LONG',
    );
    const twoTooMany = open([
      { kind: 'raw', type: 200, value: new Uint8Array(200) },
      { kind: 'raw', type: 200, value: new Uint8Array(60) },
    ]);
    expect(catchWireError(() => encodeBgpMessageInto(twoTooMany, buf, 0)).code).toBe(
      'ERR_BGP_ENCODE_TOO_LONG',
    );
    const justFits = open([{ kind: 'raw', type: 200, value: new Uint8Array(253) }]);
    expect(bgpMessageCodec().decode(bgpMessageCodec().encode(justFits))).toEqual(justFits);
  });

  it('an AS_PATH segment of 300 ASNs is split into 255 + 45 (RFC 4271 section 4.3)', () => {
    const asns = Array.from({ length: 300 }, (_, i) => 64512 + i);
    const update = {
      ...SERVICE_UPDATE,
      attributes: [{ kind: 'asPath' as const, segments: [{ type: 2 as const, asns }] }],
    };
    const decoded = bgpMessageCodec().decode(bgpMessageCodec().encode(update));
    expect(decoded.type === 2 && decoded.attributes[0]).toEqual({
      kind: 'asPath',
      segments: [
        { type: 2, asns: asns.slice(0, 255) },
        { type: 2, asns: asns.slice(255) },
      ],
    });
  });

  it('on a 2-octet session, ASNs over 65535 are written as AS_TRANS (RFC 6793 section 4.2.2)', () => {
    const update = {
      ...SERVICE_UPDATE,
      attributes: [{ kind: 'asPath' as const, segments: [{ type: 2 as const, asns: [4200000000, 65001] }] }],
    };
    const two = bgpMessageCodec({ fourOctetAs: false, maxMessageLength: 4096 });
    const decoded = two.decode(two.encode(update));
    expect(decoded.type === 2 && decoded.attributes[0]).toEqual({
      kind: 'asPath',
      segments: [{ type: 2, asns: [23456, 65001] }],
    });
  });

  it('an attribute over 255 bytes gets the Extended Length bit', () => {
    const communities = Array.from({ length: 70 }, (_, i) => i);
    const update = { ...SERVICE_UPDATE, attributes: [{ kind: 'communities' as const, communities }] };
    const bytes = bgpMessageCodec().encode(update);
    expect(bytes[23]).toBe(0xd0);
    expect((bytes[25]! << 8) | bytes[26]!).toBe(280);
  });
});
