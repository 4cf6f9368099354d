/**
 * The speaker's other duty under load: answering ARP requests and NDP neighbor solicitations for
 * its service IPs, on this process's main thread (packet sockets in `netns`), so that a request
 * storm costs this process what it costs a speaker. Used by bfd-peer-process.ts in the soak.
 */
import {
  arpFrameCodec,
  buildArpReply,
  buildSolicitedNeighborAdvertisement,
  decodeArpFrame,
  decodeNdpFrame,
  equalIpv6,
  isNeighborSolicitationFrame,
  ndpFrameCodec,
  parseIpv4,
  parseIpv6,
  parseMac,
} from '@baremetal-lb/arp-wire';
import {
  arpRequestFilter,
  eachFrame,
  neighborSolicitationFilter,
  openPacketConn,
  type PacketConn,
} from '@baremetal-lb/packet-socket';

export type StormResponderOptions = {
  readonly netns: string;
  readonly ifname: string;
  readonly mac: string;
  /** The service IPs answered for. */
  readonly ipv4: string;
  readonly ipv6: string;
};

export type StormResponder = { answered(): number; close(): Promise<void> };

export function answerArpAndNdp(options: StormResponderOptions): StormResponder {
  const mac = parseMac(options.mac);
  const ipv4 = parseIpv4(options.ipv4);
  const ipv6 = parseIpv6(options.ipv6);
  let answered = 0;
  const conns: PacketConn[] = [];
  const serve = async (filter: 'arp' | 'ns') => {
    const conn = openPacketConn(options.ifname, {
      netns: options.netns,
      filter: filter === 'arp' ? arpRequestFilter() : neighborSolicitationFilter(),
    });
    conns.push(conn);
    for await (const frame of eachFrame(conn.receive())) {
      try {
        if (filter === 'arp') {
          const request = decodeArpFrame(frame);
          if (request.arp.targetIp !== ipv4) continue;
          conn.send(arpFrameCodec.encode(buildArpReply(request, mac)));
        } else {
          const solicitation = decodeNdpFrame(frame);
          if (!isNeighborSolicitationFrame(solicitation)) continue;
          if (!equalIpv6(solicitation.message.targetAddress, ipv6)) continue;
          conn.send(ndpFrameCodec.encode(buildSolicitedNeighborAdvertisement(solicitation, { mac })));
        }
        answered++;
      } catch {
        // Malformed or a full socket buffer: a storm is allowed to lose frames.
      }
    }
  };
  void serve('arp');
  void serve('ns');
  return {
    answered: () => answered,
    close: async () => {
      await Promise.all(conns.map((conn) => conn.close()));
    },
  };
}
