/**
 * Cross-checks this package against Wireshark's BGP dissector: every golden vector (re-encoded by
 * this package) and every sample message built from scratch goes into a pcap, one message per
 * TCP frame, `tshark -T fields` reads it, and each field must equal what our decoder says.
 */
import { formatIpv4, formatIpv6 } from '@baremetal-lb/arp-wire';
import { dissectWithTshark } from '@baremetal-lb/arp-wire/testing';
import { checkPrerequisites } from '@baremetal-lb/lab';
import { describe, expect, it } from 'vitest';
import { type BgpMessage, bgpMessageCodec } from './bgp-message.ts';
import { CapabilityCode } from './capability.ts';
import { MessageType } from './message-header.ts';
import { openCapabilities } from './open-message.ts';
import type { PathAttribute } from './path-attribute.ts';
import type { Ipv4Prefix, Ipv6Prefix } from './prefix.ts';
import { SAMPLE_MESSAGES } from './testing/sample-messages.ts';
import { wrapInTcpFrame } from './testing/tcp-frame.ts';
import { listVectors, readVector } from './testing/vector-file.ts';

const ready = checkPrerequisites('bgp-wire tshark cross-check', {
  commands: [{ name: 'tshark', debianPackage: 'tshark' }],
});

const FIELDS = [
  'bgp.type',
  'bgp.open.myas',
  'bgp.open.holdtime',
  'bgp.open.identifier',
  'bgp.cap.type',
  'bgp.cap.4as',
  'bgp.cap.gr.timers.restart_time',
  'bgp.withdrawn_prefix',
  'bgp.update.path_attribute.origin',
  'bgp.update.path_attribute.as_path_segment.as4',
  'bgp.update.path_attribute.next_hop',
  'bgp.update.path_attribute.multi_exit_disc',
  'bgp.update.path_attribute.local_pref',
  'bgp.update.path_attribute.community_as',
  'bgp.update.path_attribute.community_value',
  'bgp.update.path_attribute.community_wellknown',
  'bgp.large_communities.ga',
  'bgp.large_communities.ldp1',
  'bgp.update.path_attribute.mp_reach_nlri.next_hop.ipv6',
  'bgp.update.path_attribute.mp_reach_nlri.next_hop.ipv6.link_local',
  'bgp.mp_reach_nlri_ipv6_prefix',
  'bgp.mp_unreach_nlri_ipv6_prefix',
  'bgp.nlri_prefix',
  'bgp.prefix_length',
  'bgp.notify.major_error',
  'bgp.notify.minor_error_cease',
  'bgp.notify.communication',
  'bgp.route_refresh.afi',
  'bgp.route_refresh.subtype',
  'bgp.route_refresh.safi',
] as const;
type Row = Record<(typeof FIELDS)[number], string>;

const codec = bgpMessageCodec({ fourOctetAs: true, maxMessageLength: 65535 });

/** tshark's row for each message, each message alone in its own TCP frame. */
function dissect(messages: readonly Uint8Array[]): Row[] {
  return dissectWithTshark(
    messages.map((message, index) => wrapInTcpFrame(message, 40000 + index)),
    FIELDS,
  );
}

const list = (values: readonly (string | number)[]) => values.join(',');
const ipv4Prefixes = (prefixes: readonly Ipv4Prefix[]) => prefixes.map((p) => formatIpv4(p.address));
const ipv6Prefixes = (prefixes: readonly Ipv6Prefix[]) => prefixes.map((p) => formatIpv6(p.address));

/** The fields tshark should print for `message`, from our decoder's view. */
function expectedRow(message: BgpMessage): Partial<Row> {
  switch (message.type) {
    case MessageType.open: {
      const capabilities = openCapabilities(message);
      const gr = capabilities.find((c) => c.kind === 'gracefulRestart');
      const fourOctet = capabilities.find((c) => c.kind === 'fourOctetAs');
      return {
        'bgp.type': '1',
        'bgp.open.myas': `${message.myAs}`,
        'bgp.open.holdtime': `${message.holdTime}`,
        'bgp.open.identifier': formatIpv4(message.bgpIdentifier),
        'bgp.cap.type': list(capabilities.map((c) => (c.kind === 'raw' ? c.code : CapabilityCode[c.kind]))),
        'bgp.cap.4as': fourOctet ? `${fourOctet.asn}` : '',
        'bgp.cap.gr.timers.restart_time': gr ? `${gr.restartTimeSeconds}` : '',
      };
    }
    case MessageType.update:
      return updateRow(message.withdrawn, message.attributes, message.nlri);
    case MessageType.notification:
      return {
        'bgp.type': '3',
        'bgp.notify.major_error': `${message.code}`,
        'bgp.notify.minor_error_cease': message.code === 6 ? `${message.subcode}` : '',
        // RFC 8203: a length octet, then UTF-8.
        'bgp.notify.communication':
          message.code === 6 && message.data.length > 0
            ? Buffer.from(message.data.subarray(1, 1 + message.data[0]!)).toString('utf8')
            : '',
      };
    case MessageType.keepalive:
      return { 'bgp.type': '4' };
    case MessageType.routeRefresh:
      return {
        'bgp.type': '5',
        'bgp.route_refresh.afi': `${message.afi}`,
        'bgp.route_refresh.subtype': `${message.subtype}`,
        'bgp.route_refresh.safi': `${message.safi}`,
      };
  }
}

function updateRow(
  withdrawn: readonly Ipv4Prefix[],
  attributes: readonly PathAttribute[],
  nlri: readonly Ipv4Prefix[],
): Partial<Row> {
  const lengths: number[] = withdrawn.map((p) => p.length);
  const row: Partial<Record<keyof Row, string[]>> = {};
  const add = (field: keyof Row, ...values: (string | number)[]) => {
    row[field] = [...(row[field] ?? []), ...values.map(String)];
  };
  for (const a of attributes) {
    switch (a.kind) {
      case 'origin':
        add('bgp.update.path_attribute.origin', a.origin);
        break;
      case 'asPath':
        add('bgp.update.path_attribute.as_path_segment.as4', ...a.segments.flatMap((s) => s.asns));
        break;
      case 'nextHop':
        add('bgp.update.path_attribute.next_hop', formatIpv4(a.nextHop));
        break;
      case 'multiExitDisc':
        add('bgp.update.path_attribute.multi_exit_disc', a.med);
        break;
      case 'localPref':
        add('bgp.update.path_attribute.local_pref', a.localPref);
        break;
      case 'communities':
        for (const c of a.communities) {
          // Wireshark lists RFC 1997's reserved range 0xffff0000-0xffffffff as well-known.
          if (c >>> 16 === 0xffff)
            add('bgp.update.path_attribute.community_wellknown', `0x${c.toString(16)}`);
          else {
            add('bgp.update.path_attribute.community_as', c >>> 16);
            add('bgp.update.path_attribute.community_value', c & 0xffff);
          }
        }
        break;
      case 'largeCommunities':
        add('bgp.large_communities.ga', ...a.communities.map((c) => c.globalAdministrator));
        add('bgp.large_communities.ldp1', ...a.communities.map((c) => c.localData1));
        break;
      case 'mpReachNlri':
        lengths.push(...a.nlri.map((p) => p.length));
        if (a.afi === 2) {
          add('bgp.update.path_attribute.mp_reach_nlri.next_hop.ipv6', formatIpv6(a.nextHop));
          if (a.linkLocalNextHop) {
            add(
              'bgp.update.path_attribute.mp_reach_nlri.next_hop.ipv6.link_local',
              formatIpv6(a.linkLocalNextHop),
            );
          }
          add('bgp.mp_reach_nlri_ipv6_prefix', ...ipv6Prefixes(a.nlri));
        }
        break;
      case 'mpUnreachNlri':
        lengths.push(...a.withdrawn.map((p) => p.length));
        if (a.afi === 2) add('bgp.mp_unreach_nlri_ipv6_prefix', ...ipv6Prefixes(a.withdrawn));
        break;
      default:
        break;
    }
  }
  lengths.push(...nlri.map((p) => p.length));
  const expected: Partial<Row> = {
    'bgp.type': '2',
    'bgp.withdrawn_prefix': list(ipv4Prefixes(withdrawn)),
    'bgp.nlri_prefix': list(ipv4Prefixes(nlri)),
    'bgp.prefix_length': list(lengths),
  };
  for (const [field, values] of Object.entries(row)) expected[field as keyof Row] = list(values);
  for (const field of FIELDS) {
    if (field.startsWith('bgp.update.') || field.startsWith('bgp.large') || field.startsWith('bgp.mp_')) {
      expected[field] ??= '';
    }
  }
  return expected;
}

describe.skipIf(!ready)('tshark reads what this package decodes and encodes', () => {
  const names = listVectors();
  const decoded = names.map((name) => codec.decode(readVector(name)));
  const vectorRows = ready ? dissect(decoded.map((message) => codec.encode(message))) : [];
  const sampleRows = ready ? dissect(SAMPLE_MESSAGES.map((message) => codec.encode(message))) : [];

  it.each(names.map((name, index) => [name, index] as const))('golden vector %s', (_name, index) => {
    expect(vectorRows[index]).toMatchObject(expectedRow(decoded[index]!));
  });

  it.each(SAMPLE_MESSAGES.map((message, index) => [`${index}: type ${message.type}`, index] as const))(
    'message built by the encoder, %s',
    (_name, index) => {
      expect(sampleRows[index]).toMatchObject(expectedRow(SAMPLE_MESSAGES[index]!));
    },
  );
});
