/*
 * Reference for the latency benchmark, not part of the product: the least a user-space ARP
 * responder can be. One AF_PACKET socket with a kernel filter for requests about its address,
 * blocking recv(2), no poll loop, no runtime; it answers those requests with one MAC. The benchmark runs
 * it under SCHED_FIFO next to the speaker, so the gap between any user-space responder and the
 * kernel's own reply (which is never scheduled) shows apart from the speaker's own costs.
 *
 * Usage: arp-echo IFNAME MAC IPV4     (root or CAP_NET_RAW)
 */
#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

enum { ETH_HDR = 14, ARP_LEN = 28, MIN_FRAME = 60 };

int main(int argc, char **argv) {
  unsigned int m[6];
  unsigned char mac[6];
  struct in_addr ip;
  if (argc != 4 || sscanf(argv[2], "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5]) != 6 ||
      inet_pton(AF_INET, argv[3], &ip) != 1) {
    fprintf(stderr, "usage: arp-echo IFNAME MAC IPV4\n");
    return 2;
  }
  for (int i = 0; i < 6; i++) mac[i] = (unsigned char)m[i];
  // Like the speaker's own filter: only frames whose ARP target address is ours wake us up, so
  // the reference does not compete for the CPU while the others are measured.
  struct sock_filter code[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 38),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ntohl(ip.s_addr), 0, 1),
      BPF_STMT(BPF_RET | BPF_K, 0x40000),
      BPF_STMT(BPF_RET | BPF_K, 0),
  };
  struct sock_fprog filter = {.len = sizeof code / sizeof code[0], .filter = code};
  int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ARP));
  struct sockaddr_ll sll = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ARP), .sll_ifindex = (int)if_nametoindex(argv[1])};
  if (fd < 0 || sll.sll_ifindex == 0 || setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &filter, sizeof filter) < 0 ||
      bind(fd, (struct sockaddr *)&sll, sizeof sll) < 0) {
    perror("arp-echo");
    return 1;
  }
  unsigned char in[2048], out[MIN_FRAME];
  for (;;) {
    ssize_t n = recv(fd, in, sizeof in, 0);
    // RFC 826 request for Ethernet/IPv4 (htype 1, ptype 0x0800, hlen 6, plen 4, op 1) for our IP.
    if (n < ETH_HDR + ARP_LEN || memcmp(in + 14, "\x00\x01\x08\x00\x06\x04\x00\x01", 8) != 0) continue;
    if (memcmp(in + 38, &ip, 4) != 0) continue;
    memset(out, 0, sizeof out);
    memcpy(out, in + 6, 6);                  // to the requester
    memcpy(out + 6, mac, 6);                 // from us
    memcpy(out + 12, "\x08\x06", 2);         // ARP
    memcpy(out + 14, "\x00\x01\x08\x00\x06\x04\x00\x02", 8);  // reply
    memcpy(out + 22, mac, 6);                // sender hardware address: us
    memcpy(out + 28, &ip, 4);                // sender protocol address: the IP asked for
    memcpy(out + 32, in + 22, 10);           // target: the requester's MAC and IP
    send(fd, out, sizeof out, 0);
  }
}
