/**
 * A BGP speaker: one router ID and AS, any number of peers, and optionally listeners that hand
 * each incoming connection to the peer configured for its source address (others are closed).
 * MD5 passwords are installed on every listener per peer address, so an unsigned or wrongly
 * signed SYN never completes.
 */
import { isIPv4 } from 'node:net';
import { type BgpClock, systemClock } from './bgp-clock.ts';
import { BgpError, BgpErrorCode, requireConfig } from './bgp-error.ts';
import { BgpPeer } from './bgp-peer.ts';
import type { BgpConnection, BgpListener, BgpTransport, ListenOptions } from './bgp-transport.ts';
import { parseIpv4, parsePrefix } from './parse-prefix.ts';
import { type PeerOptions, resolvePeerOptions } from './peer-options.ts';

export type BgpSpeakerOptions = {
  readonly localAsn: number;
  /** BGP Identifier, as an IPv4 address (RFC 6286: any non-zero 32-bit value). */
  readonly routerId: string;
  readonly transport: BgpTransport;
  readonly clock?: BgpClock;
  /** For the backoff jitter; default Math.random. */
  readonly random?: () => number;
};

/** Peer addresses compare in canonical form (2001:db8::1 = 2001:0db8:0:0::1). */
const canonical = (address: string) => parsePrefix(address).key;

export class BgpSpeaker {
  readonly localAsn: number;
  readonly routerId: string;
  readonly #options: BgpSpeakerOptions;
  readonly #peers = new Map<string, BgpPeer>();
  readonly #listeners: BgpListener[] = [];
  #closed = false;

  constructor(options: BgpSpeakerOptions) {
    requireConfig(
      Number.isInteger(options.localAsn) && options.localAsn >= 1 && options.localAsn <= 0xffffffff,
      'localAsn',
      `${options.localAsn}`,
    );
    requireConfig(
      isIPv4(options.routerId) && options.routerId !== '0.0.0.0',
      'routerId',
      `"${options.routerId}" is not a non-zero IPv4 address`,
    );
    this.localAsn = options.localAsn;
    this.routerId = options.routerId;
    this.#options = options;
  }

  get peers(): readonly BgpPeer[] {
    return [...this.#peers.values()];
  }

  peer(address: string): BgpPeer | undefined {
    return this.#peers.get(canonical(address));
  }

  /** Adds a peer (not started: call `start()`); throws ERR_BGP_INVALID_CONFIG or ERR_BGP_DUPLICATE_PEER. */
  addPeer(options: PeerOptions): BgpPeer {
    if (this.#closed) throw new BgpError(BgpErrorCode.closed, 'speaker closed');
    const resolved = resolvePeerOptions(options, this.localAsn);
    const key = canonical(resolved.peerAddress);
    if (this.#peers.has(key))
      throw new BgpError(BgpErrorCode.duplicatePeer, `peer ${resolved.peerAddress} exists`);
    const peer = new BgpPeer(resolved, {
      localAsn: this.localAsn,
      routerId: parseIpv4(this.routerId),
      transport: this.#options.transport,
      clock: this.#options.clock ?? systemClock,
      random: this.#options.random ?? Math.random,
    });
    this.#peers.set(key, peer);
    if (resolved.password !== undefined)
      for (const listener of this.#listeners) listener.setPassword(resolved.peerAddress, resolved.password);
    return peer;
  }

  /** Stops the peer's session (Cease / Peer De-configured) and forgets it. */
  removePeer(address: string): void {
    const key = canonical(address);
    const peer = this.#peers.get(key);
    if (peer === undefined) return;
    peer.stop({ message: 'peer de-configured' });
    this.#peers.delete(key);
    if (peer.options.password !== undefined) {
      for (const listener of this.#listeners) {
        try {
          listener.setPassword(peer.options.peerAddress, undefined);
        } catch {
          // The key may already be gone; nothing else to undo.
        }
      }
    }
  }

  /** Listens for peers connecting to us (port 179 by default needs CAP_NET_BIND_SERVICE). */
  async listen(options: ListenOptions): Promise<BgpListener> {
    const listener = await this.#options.transport.listen(options, (connection) => this.#route(connection));
    this.#listeners.push(listener);
    for (const peer of this.#peers.values()) {
      if (peer.options.password !== undefined)
        listener.setPassword(peer.options.peerAddress, peer.options.password);
    }
    return listener;
  }

  #route(connection: BgpConnection): void {
    let peer: BgpPeer | undefined;
    try {
      peer = this.#peers.get(canonical(connection.remoteAddress));
    } catch {
      peer = undefined;
    }
    if (peer === undefined || this.#closed) {
      connection.attach({ data: () => {}, closed: () => {} });
      connection.close();
      return;
    }
    peer.accept(connection);
  }

  /** Stops every peer (gracefully: no NOTIFICATION, for a graceful restart) and closes the listeners. */
  close(options: { readonly graceful?: boolean; readonly message?: string } = {}): void {
    this.#closed = true;
    for (const peer of this.#peers.values()) peer.stop(options);
    for (const listener of this.#listeners.splice(0)) listener.close();
  }
}
