/**
 * An in-memory network of BfdTransports for unit tests: datagrams are delivered synchronously
 * (through the clock, after `delayUs`) with the TTL the test chooses, and can be cut per host.
 */
import type { BfdClock, BfdDatagram, BfdSender, BfdTransport, PeerAddress } from '../bfd-transport.ts';

export class MemoryNetwork {
  readonly #clock: BfdClock;
  readonly #delayUs: number;
  readonly #hosts = new Map<string, (datagram: BfdDatagram) => void>();
  /** Hosts whose outgoing datagrams are dropped. */
  readonly cut = new Set<string>();
  /** TTL the next datagrams arrive with (255 = one hop). */
  ttl = 255;

  constructor(clock: BfdClock, delayUs = 100) {
    this.#clock = clock;
    this.#delayUs = delayUs;
  }

  /** The transport of the host with address `address`. */
  transport(address: string): BfdTransport {
    let port = 49152;
    return {
      listen: (_peer: PeerAddress, onDatagram) => {
        this.#hosts.set(address, onDatagram);
      },
      openSender: (peer: PeerAddress): BfdSender => {
        const sourcePort = port++;
        let open = true;
        return {
          sourcePort,
          send: (packet) => {
            if (!open || this.cut.has(address)) return true;
            const data = Uint8Array.from(packet);
            const ttl = this.ttl;
            this.#clock.schedule(this.#delayUs, () =>
              this.#hosts.get(peer.peerAddress)?.({
                data,
                fromAddress: address,
                fromPort: sourcePort,
                ttl,
                multihop: peer.multihop ?? false,
              }),
            );
            return true;
          },
          close: () => {
            open = false;
          },
        };
      },
      close: () => {
        this.#hosts.delete(address);
      },
    };
  }
}
