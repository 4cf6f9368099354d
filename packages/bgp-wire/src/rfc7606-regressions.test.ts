/**
 * One named case per RFC 7606 rule this package implements (and the RFC 4271 / 4760 / 6793 / 8092
 * rules RFC 7606 revises): the finding's code, the reaction, and for session resets the
 * NOTIFICATION to send.
 */
import { describe, expect, it } from 'vitest';
import { AttributeProblemCode } from './attribute-problem.ts';
import { decodeBgpMessage } from './bgp-message.ts';
import { ErrorAction } from './error-action.ts';
import { BgpMessageError } from './errors.ts';
import { catchWireError } from './testing/catch-wire-error.ts';
import { MANDATORY_ATTRIBUTES, ONE_PREFIX, rawUpdate } from './testing/raw-message.ts';
import type { UpdateMessage } from './update-message.ts';

const FOUR = { fourOctetAs: true, maxMessageLength: 4096 };
const TWO = { fourOctetAs: false, maxMessageLength: 4096 };

function decodeUpdate(bytes: Uint8Array, session = FOUR): UpdateMessage {
  const message = decodeBgpMessage(bytes, 0, bytes.length, session);
  if (message.type !== 2) throw new Error('not an UPDATE');
  return message;
}

/** The single finding of an UPDATE with MANDATORY_ATTRIBUTES plus `extra` and one prefix. */
function findingFor(extra: string, session = FOUR) {
  const update = decodeUpdate(
    rawUpdate({ attributes: `${MANDATORY_ATTRIBUTES} ${extra}`, nlri: ONE_PREFIX }),
    session,
  );
  return { problems: update.problems, action: update.action, kinds: update.attributes.map((a) => a.kind) };
}

function resetFor(bytes: Uint8Array): BgpMessageError {
  const error = catchWireError(() => decodeBgpMessage(bytes));
  if (!(error instanceof BgpMessageError)) throw new Error(`expected BgpMessageError, got ${error.code}`);
  return error;
}

describe('RFC 7606 treat-as-withdraw', () => {
  it.each([
    ['ORIGIN of length 2 (section 7.1)', '', '40 01 02 0000', 1, AttributeProblemCode.length],
    ['ORIGIN value 3 (section 7.1)', '', '40 01 01 03', 1, AttributeProblemCode.value],
    ['AS_PATH segment type 5 (section 7.2)', '', '40 02 06 05 01 0000fde9', 2, AttributeProblemCode.value],
    ['AS_PATH zero-length segment (section 7.2)', '', '40 02 02 02 00', 2, AttributeProblemCode.value],
    ['AS_PATH segment overruns (section 7.2)', '', '40 02 06 02 02 0000fde9', 2, AttributeProblemCode.value],
    ['NEXT_HOP of length 5 (section 7.3)', '', '40 03 05 c633640101', 3, AttributeProblemCode.length],
  ])('%s', (_name, _unused, replaced, type, code) => {
    const attributes = MANDATORY_ATTRIBUTES.split('  ')
      .filter((a) => !a.startsWith(`40 0${type}`))
      .join(' ');
    const update = decodeUpdate(rawUpdate({ attributes: `${attributes} ${replaced}`, nlri: ONE_PREFIX }));
    expect(update.action).toBe(ErrorAction.treatAsWithdraw);
    expect(update.problems).toContainEqual(
      expect.objectContaining({ code, attributeType: type, action: 'treatAsWithdraw' }),
    );
    expect(update.nlri).toHaveLength(1); // the routes are still there to withdraw
  });

  it.each([
    ['MULTI_EXIT_DISC of length 3 (section 7.4)', '80 04 03 000001', 4],
    ['LOCAL_PREF of length 2 (section 7.5)', '40 05 02 0064', 5],
    ['COMMUNITIES of length 5 (section 7.8)', 'c0 08 05 fde9006400', 8],
    ['COMMUNITIES of length 0 (section 7.8)', 'c0 08 00', 8],
    ['EXTENDED COMMUNITIES of length 7 (section 7.14)', 'c0 10 07 00020000fde900', 16],
    ['LARGE_COMMUNITY of length 8 (RFC 8092 section 6)', 'c0 20 08 0000fde900000001', 32],
  ])('%s', (_name, extra, type) => {
    const { problems, action } = findingFor(extra);
    expect(action).toBe(ErrorAction.treatAsWithdraw);
    expect(problems).toEqual([
      expect.objectContaining({ code: AttributeProblemCode.length, attributeType: type }),
    ]);
  });

  it('Optional/Transitive flags in conflict: LOCAL_PREF sent optional (section 3)', () => {
    const { problems, action, kinds } = findingFor('c0 05 04 00000064');
    expect(action).toBe(ErrorAction.treatAsWithdraw);
    expect(problems).toEqual([
      expect.objectContaining({ code: AttributeProblemCode.flags, attributeType: 5 }),
    ]);
    expect(kinds).not.toContain('localPref');
  });

  it.each([
    ['ORIGIN', 1],
    ['AS_PATH', 2],
    ['NEXT_HOP', 3],
  ])('missing well-known mandatory %s with NLRI (section 3)', (_name, type) => {
    const attributes = MANDATORY_ATTRIBUTES.split('  ')
      .filter((a) => !a.startsWith(`40 0${type}`))
      .join(' ');
    const update = decodeUpdate(rawUpdate({ attributes, nlri: ONE_PREFIX }));
    expect(update.action).toBe(ErrorAction.treatAsWithdraw);
    expect(update.problems).toEqual([
      expect.objectContaining({ code: AttributeProblemCode.missingMandatory, attributeType: type }),
    ]);
  });

  it('no NEXT_HOP needed when the routes are only in MP_REACH_NLRI (RFC 4760 section 3)', () => {
    const reach = '80 0e 1c 0002 01 10 20010db8000000000000000000000001 00 30 20010db8000a';
    const update = decodeUpdate(rawUpdate({ attributes: `40 01 01 00 40 02 00 ${reach}` }));
    expect(update.problems).toBeUndefined();
  });

  it('a withdraw-only UPDATE needs no attributes', () => {
    expect(decodeUpdate(rawUpdate({ withdrawn: ONE_PREFIX })).problems).toBeUndefined();
  });

  it('attribute length overruns the path attributes: treat-as-withdraw, NLRI still located (section 4)', () => {
    const update = decodeUpdate(
      rawUpdate({ attributes: `${MANDATORY_ATTRIBUTES} c0 08 08 fde90064`, nlri: ONE_PREFIX }),
    );
    expect(update.action).toBe(ErrorAction.treatAsWithdraw);
    expect(update.problems).toEqual([
      expect.objectContaining({ code: AttributeProblemCode.overrun, attributeType: 8 }),
    ]);
    expect(update.nlri).toEqual([{ address: 0xcb007100, length: 24 }]);
  });

  it('fewer than three octets left for an attribute header: treat-as-withdraw (section 4)', () => {
    const update = decodeUpdate(rawUpdate({ attributes: `${MANDATORY_ATTRIBUTES} c0 08`, nlri: ONE_PREFIX }));
    expect(update.problems).toEqual([expect.objectContaining({ code: AttributeProblemCode.overrun })]);
    expect(update.action).toBe(ErrorAction.treatAsWithdraw);
  });
});

describe('RFC 7606 attribute discard', () => {
  it.each([
    ['ATOMIC_AGGREGATE of length 1 (section 7.6)', '40 06 01 00', 6, AttributeProblemCode.length, FOUR],
    [
      'AGGREGATOR of length 6 on a 4-octet session (section 7.7)',
      'c0 07 06 fde9c6336401',
      7,
      AttributeProblemCode.length,
      FOUR,
    ],
    [
      'AGGREGATOR of length 8 on a 2-octet session (section 7.7)',
      'c0 07 08 0000fde9c6336401',
      7,
      AttributeProblemCode.length,
      TWO,
    ],
    [
      'AS4_AGGREGATOR of length 6 (RFC 6793 section 6)',
      'c0 12 06 fde9c6336401',
      18,
      AttributeProblemCode.length,
      FOUR,
    ],
    ['malformed AS4_PATH (RFC 6793 section 6)', 'c0 11 05 0201000000', 17, AttributeProblemCode.value, FOUR],
    [
      'a second LOCAL_PREF (section 3)',
      '40 05 04 00000064 40 05 04 000000c8',
      5,
      AttributeProblemCode.duplicate,
      FOUR,
    ],
  ])('%s', (_name, extra, type, code, session) => {
    const base =
      session === TWO ? '40 01 01 00  40 02 04 02 01 fde9  40 03 04 c6336401' : MANDATORY_ATTRIBUTES;
    const update = decodeUpdate(rawUpdate({ attributes: `${base} ${extra}`, nlri: ONE_PREFIX }), session);
    expect(update.action).toBe(ErrorAction.attributeDiscard);
    expect(update.problems).toEqual([
      expect.objectContaining({ code, attributeType: type, action: 'attributeDiscard' }),
    ]);
  });

  it('the first of duplicate attributes is kept', () => {
    const update = decodeUpdate(
      rawUpdate({
        attributes: `${MANDATORY_ATTRIBUTES} 40 05 04 00000064 40 05 04 000000c8`,
        nlri: ONE_PREFIX,
      }),
    );
    expect(update.attributes.filter((a) => a.kind === 'localPref')).toEqual([
      { kind: 'localPref', localPref: 100 },
    ]);
  });

  it('the strongest reaction wins when errors differ (section 3)', () => {
    const { problems, action } = findingFor('40 06 01 00 80 04 03 000001');
    expect(problems?.map((p) => p.action)).toEqual(['attributeDiscard', 'treatAsWithdraw']);
    expect(action).toBe(ErrorAction.treatAsWithdraw);
  });
});

describe('RFC 7606 / RFC 4271 session reset', () => {
  it('a second MP_REACH_NLRI: Malformed Attribute List (section 3)', () => {
    const reach = '80 0e 1c 0002 01 10 20010db8000000000000000000000001 00 30 20010db8000a';
    const error = resetFor(rawUpdate({ attributes: `40 01 01 00 40 02 00 ${reach} ${reach}` }));
    expect([error.notificationCode, error.notificationSubcode]).toEqual([3, 1]);
    expect(error.problems.at(-1)).toMatchObject({
      code: AttributeProblemCode.duplicateMp,
      action: 'sessionReset',
    });
  });

  it('MP_REACH_NLRI next hop length 15 for IPv6: Optional Attribute Error (section 7.11)', () => {
    const reach = '80 0e 1b 0002 01 0f 20010db80000000000000000000000 00 30 20010db8000a';
    const error = resetFor(rawUpdate({ attributes: `40 01 01 00 40 02 00 ${reach}` }));
    expect(error.code).toBe('ERR_BGP_UPDATE_MALFORMED_MP_ATTRIBUTE');
    expect([error.notificationCode, error.notificationSubcode]).toEqual([3, 9]);
    // RFC 4271 section 6.3: the data is the erroneous attribute.
    expect(Buffer.from(error.data).toString('hex').slice(0, 6)).toBe('800e1b');
  });

  it('MP_UNREACH_NLRI with a /129 prefix (section 5.3)', () => {
    const error = resetFor(rawUpdate({ attributes: '80 0f 14 0002 01 81 20010db8000000000000000000000001' }));
    expect([error.notificationCode, error.notificationSubcode]).toEqual([3, 9]);
  });

  it('NLRI field with a /33 prefix: Invalid Network Field (section 5.3)', () => {
    const error = resetFor(rawUpdate({ attributes: MANDATORY_ATTRIBUTES, nlri: '21 cb00710000' }));
    expect(error.code).toBe('ERR_BGP_UPDATE_INVALID_NETWORK_FIELD');
    expect([error.notificationCode, error.notificationSubcode]).toEqual([3, 10]);
  });

  it('Withdrawn Routes Length past the message: Malformed Attribute List (RFC 4271 section 6.3)', () => {
    const bytes = rawUpdate({ withdrawn: ONE_PREFIX });
    bytes[20] = 0x40;
    const error = resetFor(bytes);
    expect([error.notificationCode, error.notificationSubcode]).toEqual([3, 1]);
  });

  it('Total Path Attribute Length past the message: Malformed Attribute List', () => {
    const error = resetFor(rawUpdate({ attributes: MANDATORY_ATTRIBUTES, attributesLength: 200 }));
    expect(error.code).toBe('ERR_BGP_UPDATE_MALFORMED_ATTRIBUTE_LIST');
  });

  it('an unrecognized well-known attribute: Unrecognized Well-known Attribute (RFC 4271 section 6.3)', () => {
    const error = resetFor(
      rawUpdate({ attributes: `${MANDATORY_ATTRIBUTES} 40 63 01 00`, nlri: ONE_PREFIX }),
    );
    expect([error.notificationCode, error.notificationSubcode]).toEqual([3, 2]);
  });

  it('an overrun when no route at all can be located (sections 4 and 5)', () => {
    const error = resetFor(rawUpdate({ attributes: '40 01 01 00 80 0e 40 0002' }));
    expect(error.problems.at(-1)).toMatchObject({
      code: AttributeProblemCode.overrun,
      action: 'sessionReset',
    });
  });
});

describe('kept, not errors', () => {
  it('an unknown optional transitive attribute is kept with its flags, Partial bit set on propagation', async () => {
    const { propagatedAttributes } = await import('./path-attribute.ts');
    const update = decodeUpdate(
      rawUpdate({ attributes: `${MANDATORY_ATTRIBUTES} c0 63 02 abcd 80 64 01 01`, nlri: ONE_PREFIX }),
    );
    expect(update.problems).toBeUndefined();
    const unknown = update.attributes.filter((a) => a.kind === 'unknown');
    expect(unknown).toEqual([
      { kind: 'unknown', type: 0x63, flags: 0xc0, value: Uint8Array.of(0xab, 0xcd) },
      { kind: 'unknown', type: 0x64, flags: 0x80, value: Uint8Array.of(1) },
    ]);
    const propagated = propagatedAttributes(update.attributes).filter((a) => a.kind === 'unknown');
    expect(propagated).toEqual([
      { kind: 'unknown', type: 0x63, flags: 0xe0, value: Uint8Array.of(0xab, 0xcd) },
    ]);
  });

  it('MP_REACH_NLRI of another family (VPNv4) is kept raw', () => {
    const reach = '80 0e 11 0001 80 0c 0000000000000000c6336401 00';
    const update = decodeUpdate(rawUpdate({ attributes: `40 01 01 00 40 02 00 ${reach}` }));
    expect(update.attributes[2]).toMatchObject({ kind: 'unknown', type: 14, flags: 0x80 });
  });

  it('AS_PATH is read with 2-octet ASNs on a 2-octet session', () => {
    const update = decodeUpdate(
      rawUpdate({ attributes: '40 01 01 00 40 02 06 02 02 5ba0 fde9 40 03 04 c6336401', nlri: ONE_PREFIX }),
      TWO,
    );
    expect(update.attributes[1]).toEqual({ kind: 'asPath', segments: [{ type: 2, asns: [23456, 65001] }] });
  });
});
