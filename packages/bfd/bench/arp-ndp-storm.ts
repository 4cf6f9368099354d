/**
 * A bounded ARP/NDP request storm at the speaker: from the router's namespace, ARP requests and
 * neighbor solicitations for the speaker's service IPs at `perSecond` frames per second (half
 * each), sent in batches every 10 ms until stopped.
 */
import {
  arpFrameCodec,
  buildArpRequest,
  EtherType,
  NdpMessageType,
  ndpFrameCodec,
  parseIpv4,
  parseIpv6,
  parseMac,
  solicitedNodeAddress,
  solicitedNodeMulticastMac,
  sourceLinkLayerAddressOption,
} from '@baremetal-lb/arp-wire';
import type { LabHost } from '@baremetal-lb/lab';
import { dropAllFilter, openPacketConn } from '@baremetal-lb/packet-socket';

export type StormTarget = { readonly ipv4: string; readonly ipv6: string };

export function startArpNdpStorm(from: LabHost, target: StormTarget, perSecond: number) {
  const mac = parseMac(from.mac);
  const arp = arpFrameCodec.encode(
    buildArpRequest({ senderMac: mac, senderIp: parseIpv4(from.ipv4), targetIp: parseIpv4(target.ipv4) }),
  );
  const targetIpv6 = parseIpv6(target.ipv6);
  const ns = ndpFrameCodec.encode({
    ethernet: {
      destination: solicitedNodeMulticastMac(targetIpv6),
      source: mac,
      vlanTags: [],
      etherType: EtherType.ipv6,
    },
    ipv6: {
      trafficClass: 0,
      flowLabel: 0,
      source: parseIpv6(from.ipv6),
      destination: solicitedNodeAddress(targetIpv6),
    },
    message: {
      type: NdpMessageType.neighborSolicitation,
      targetAddress: targetIpv6,
      options: [sourceLinkLayerAddressOption(mac)],
    },
    paddingLength: 0,
  });
  const perTick = Math.max(2, Math.round(perSecond / 100));
  const batch = Array.from({ length: perTick }, (_, i) => (i % 2 === 0 ? arp : ns));
  const conn = openPacketConn(from.ifname, { netns: from.namespace, filter: dropAllFilter() });
  let sent = 0;
  const timer = setInterval(() => {
    try {
      sent += conn.sendBatch(batch);
    } catch {
      // A full socket buffer: the storm is allowed to lose frames.
    }
  }, 10);
  return {
    async stop(): Promise<number> {
      clearInterval(timer);
      await conn.close();
      return sent;
    },
  };
}
