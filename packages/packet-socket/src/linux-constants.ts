/** Linux ABI numbers used from TypeScript (linux/socket.h, if_packet.h, if_ether.h, rtnetlink.h). */

export const AF_PACKET = 17;
export const AF_NETLINK = 16;
export const SOCK_RAW = 3;
export const SOL_SOCKET = 1;
export const SO_RCVBUF = 8;
/** Like SO_RCVBUF but above net.core.rmem_max; needs CAP_NET_ADMIN. */
export const SO_RCVBUFFORCE = 33;
export const SOL_PACKET = 263;
export const PACKET_ADD_MEMBERSHIP = 1;
export const PACKET_DROP_MEMBERSHIP = 2;
export const PACKET_STATISTICS = 6;
export const PACKET_AUXDATA = 8;
/** Linux 4.20+: do not loop our own transmitted frames back to this socket. */
export const PACKET_IGNORE_OUTGOING = 23;
export const PACKET_MR_MULTICAST = 0;
/** Every EtherType. */
export const ETH_P_ALL = 0x0003;
export const NETLINK_ROUTE = 0;

/** Multicast groups of NETLINK_ROUTE (the legacy RTMGRP_* bit masks). */
export const RTMGRP_LINK = 0x1;
export const RTMGRP_IPV4_IFADDR = 0x10;
export const RTMGRP_IPV6_IFADDR = 0x100;

/** The errno values the TypeScript side reacts to. */
export const ENETDOWN = 100;

/** UDP with per-datagram TTL / interface (netinet/in.h, linux/in.h, linux/in6.h). */
export const AF_INET = 2;
export const AF_INET6 = 10;
export const SO_REUSEADDR = 2;
export const SO_BINDTODEVICE = 25;
export const IPPROTO_IP = 0;
export const IP_TTL = 2;
export const IP_PKTINFO = 8;
export const IP_RECVTTL = 12;
export const IPPROTO_IPV6 = 41;
export const IPV6_UNICAST_HOPS = 16;
export const IPV6_V6ONLY = 26;
export const IPV6_RECVPKTINFO = 49;
export const IPV6_RECVHOPLIMIT = 51;

/** TCP sockets configured before Node takes them (linux/tcp.h, linux/in.h, linux/in6.h). */
export const IPPROTO_TCP = 6;
/** struct tcp_md5sig: RFC 2385 signatures for one peer address. */
export const TCP_MD5SIG = 14;
export const TCP_MD5SIG_MAXKEYLEN = 80;
/** GTSM (RFC 5082): drop segments that arrive with a lower TTL / hop limit. */
export const IP_MINTTL = 21;
export const IPV6_MINHOPCOUNT = 73;
