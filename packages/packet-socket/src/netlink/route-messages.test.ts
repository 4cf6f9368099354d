import { isIPv6 } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeRouteMessages, encodeDumpRequest, formatIpv6, RouteMessageType } from './route-messages.ts';

const numRuns = process.env.FUZZ === '1' ? 20_000 : 300;

/** A netlink message with host-order (little-endian here) header fields. */
function message(type: number, body: Buffer): Buffer {
  const header = Buffer.alloc(16);
  header.writeUInt32LE(16 + body.length, 0);
  header.writeUInt16LE(type, 4);
  return Buffer.concat([header, body, Buffer.alloc((4 - (body.length % 4)) % 4)]);
}

function attribute(type: number, value: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header.writeUInt16LE(4 + value.length, 0);
  header.writeUInt16LE(type, 2);
  return Buffer.concat([header, value, Buffer.alloc((4 - (value.length % 4)) % 4)]);
}

describe('route messages', () => {
  it('encodes a link dump request', () => {
    const request = encodeDumpRequest(RouteMessageType.getLink, 7);
    expect(request.toString('hex')).toBe(
      [
        '20000000', // length 32
        '1200', // RTM_GETLINK
        '0103', // NLM_F_REQUEST | NLM_F_DUMP
        '07000000', // sequence
        '00000000', // port id
        '00'.repeat(16), // ifinfomsg
      ].join(''),
    );
  });

  it('decodes a link with name, MAC, MTU, master and kind, then DONE', () => {
    const ifinfo = Buffer.alloc(16);
    ifinfo.writeInt32LE(5, 4);
    ifinfo.writeUInt32LE(0x1043, 8);
    const mtu = Buffer.alloc(4);
    mtu.writeUInt32LE(1500);
    const master = Buffer.alloc(4);
    master.writeUInt32LE(3);
    const datagram = Buffer.concat([
      message(
        RouteMessageType.newLink,
        Buffer.concat([
          ifinfo,
          attribute(3, Buffer.from('eth0\0')),
          attribute(1, Buffer.from([2, 0, 0, 0, 0, 1])),
          attribute(4, mtu),
          attribute(10, master),
          attribute(18, attribute(1, Buffer.from('veth\0'))),
        ]),
      ),
      message(RouteMessageType.done, Buffer.alloc(4)),
    ]);
    const { messages, done, errno } = decodeRouteMessages(datagram);
    expect(done).toBe(true);
    expect(errno).toBeUndefined();
    expect(messages).toEqual([
      {
        type: 'link',
        deleted: false,
        index: 5,
        flags: 0x1043,
        name: 'eth0',
        mac: '02:00:00:00:00:01',
        mtu: 1500,
        masterIndex: 3,
        parentIndex: undefined,
        kind: 'veth',
        vlanId: undefined,
      },
    ]);
  });

  it('reports NLMSG_ERROR as a positive errno', () => {
    const body = Buffer.alloc(20);
    body.writeInt32LE(-1, 0);
    expect(decodeRouteMessages(message(RouteMessageType.error, body)).errno).toBe(1);
  });

  it('never throws and never reads outside the datagram, whatever the bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        decodeRouteMessages(bytes);
      }),
      { numRuns },
    );
  });

  it('formats IPv6 as RFC 5952 text', () => {
    expect(formatIpv6(Buffer.from('20010db8000000000000000000000001', 'hex'))).toBe('2001:db8::1');
    expect(formatIpv6(Buffer.from('fe800000000000000000000000000000', 'hex'))).toBe('fe80::');
    expect(formatIpv6(Buffer.alloc(16))).toBe('::');
    expect(formatIpv6(Buffer.from('20010db8000100000001000000000001', 'hex'))).toBe('2001:db8:1:0:1::1');
    expect(formatIpv6(Buffer.from('20010db8000000010000000000000000', 'hex'))).toBe('2001:db8:0:1::');
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
        const text = formatIpv6(bytes);
        expect(isIPv6(text)).toBe(true);
        expect(text).not.toMatch(/(^|:)0[0-9a-f]/);
      }),
      { numRuns },
    );
  });
});
