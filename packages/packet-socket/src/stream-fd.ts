/**
 * openStreamFd: a TCP socket fd with the options Node's net module cannot set, configured before
 * Node takes it over with `new net.Socket({ fd })` (then `connect()`) or `server.listen({ fd })`.
 * BGP needs TCP MD5 signatures (RFC 2385) per peer on connecting sockets and listeners, the TTL
 * for eBGP multihop, a minimum TTL for GTSM (RFC 5082) and a bound source address, all before the
 * SYN; a socket inside another network namespace comes for free. Accepted connections inherit
 * the listener's MD5 keys, TTL and minimum TTL (the kernel copies them).
 */
import { endianness } from 'node:os';
import * as c from './linux-constants.ts';
import { callNative, loadAddon, netnsPath } from './native-addon.ts';
import { InvalidArgumentError, SocketOp } from './packet-socket-error.ts';
import { encodeSocketAddress } from './socket-address.ts';
import { checkTtlOption, int32Option } from './socket-option-value.ts';

export type StreamFdOptions = {
  readonly family: 4 | 6;
  /** Network namespace name (/run/netns/<name>) or path to create the socket in. */
  readonly netns?: string;
  /** Source address to bind (a listener's address); with `localPort`, default wildcard / 0. */
  readonly localAddress?: string;
  readonly localPort?: number;
  /** SO_REUSEADDR (listeners, so a restart can bind again at once). */
  readonly reuseAddress?: boolean;
  /** IP_TTL / IPV6_UNICAST_HOPS for what we send. */
  readonly ttl?: number;
  /** IP_MINTTL / IPV6_MINHOPCOUNT: the kernel drops segments that arrive with less. */
  readonly minTtl?: number;
  /** TCP MD5 keys: the peer's address and the shared password. */
  readonly md5?: readonly { readonly address: string; readonly password: string }[];
};

/** Creates, configures and binds the fd; on any failure closes it and throws SocketError. */
export function openStreamFd(options: StreamFdOptions): number {
  checkTtlOption('ttl', options.ttl);
  checkTtlOption('minTtl', options.minTtl);
  const addon = loadAddon('TCP sockets with MD5 and TTL control');
  const where = options.localAddress ?? '';
  const family = options.family === 6 ? c.AF_INET6 : c.AF_INET;
  const fd = callNative(SocketOp.open, where, () => addon.openStreamFd(family, netnsPath(options.netns)));
  try {
    const set = (level: number, name: number, value: Uint8Array) =>
      callNative(SocketOp.setOption, where, () => addon.setFdOption(fd, level, name, value));
    if (options.reuseAddress) set(c.SOL_SOCKET, c.SO_REUSEADDR, int32Option(1));
    if (options.family === 6) set(c.IPPROTO_IPV6, c.IPV6_V6ONLY, int32Option(1));
    if (options.ttl !== undefined) {
      if (options.family === 4) set(c.IPPROTO_IP, c.IP_TTL, int32Option(options.ttl));
      else set(c.IPPROTO_IPV6, c.IPV6_UNICAST_HOPS, int32Option(options.ttl));
    }
    if (options.minTtl !== undefined) {
      if (options.family === 4) set(c.IPPROTO_IP, c.IP_MINTTL, int32Option(options.minTtl));
      else set(c.IPPROTO_IPV6, c.IPV6_MINHOPCOUNT, int32Option(options.minTtl));
    }
    for (const key of options.md5 ?? []) setTcpMd5Key(fd, key.address, key.password);
    if (options.localAddress !== undefined || options.localPort !== undefined) {
      const wildcard = options.family === 4 ? '0.0.0.0' : '::';
      const sockaddr = encodeSocketAddress(options.localAddress ?? wildcard, options.localPort ?? 0);
      callNative(SocketOp.bind, where, () => addon.bindFd(fd, sockaddr));
    }
    return fd;
  } catch (error) {
    addon.closeFd(fd);
    throw error;
  }
}

/**
 * Adds (or with `password` undefined, removes) the RFC 2385 key for segments to and from
 * `address` on `fd`, a connecting socket or a listener: struct tcp_md5sig (linux/tcp.h).
 */
export function setTcpMd5Key(fd: number, address: string, password: string | undefined): void {
  const key = Buffer.from(password ?? '', 'utf8');
  if (key.length > c.TCP_MD5SIG_MAXKEYLEN) {
    throw new InvalidArgumentError(
      'password',
      `${key.length} bytes; TCP MD5 keys hold at most ${c.TCP_MD5SIG_MAXKEYLEN}`,
    );
  }
  // sockaddr_storage (128), flags (1), prefix length (1), key length (2, host order), ifindex (4), key (80).
  const value = Buffer.alloc(216);
  encodeSocketAddress(address, 0).copy(value, 0);
  if (endianness() === 'LE') value.writeUInt16LE(key.length, 130);
  else value.writeUInt16BE(key.length, 130);
  key.copy(value, 136);
  const addon = loadAddon('TCP MD5 signatures');
  callNative(SocketOp.setOption, address, () => addon.setFdOption(fd, c.IPPROTO_TCP, c.TCP_MD5SIG, value));
}

/** Closes an fd that was never handed to Node. */
export function closeStreamFd(fd: number): void {
  loadAddon().closeFd(fd);
}
