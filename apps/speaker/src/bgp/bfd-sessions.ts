/**
 * The BFD side of BGP mode: one BFD session (RFC 5880/5881) per BGP peer that names a BFDProfile,
 * on a BfdWorker thread started the first time one is needed. A session that was Up going Down
 * is reported through `onDown` (RFC 5882 section 4.3: the client, BGP, tears its session down).
 */
import { BfdState, type StateChange } from '@baremetal-lb/bfd';
import type { ResolvedBfdProfile } from '@baremetal-lb/config';
import type { Logger } from 'pino';
import { errorText } from '../observe/error-text.ts';
import type { BgpMetrics } from './bgp-metrics.ts';

/** What is needed of a BfdWorker (injected: tests run without one). */
export type BfdControl = {
  onStateChange(listener: (change: StateChange) => void): () => void;
  addSession(spec: {
    readonly peerAddress: string;
    readonly localAddress?: string;
    readonly receiveIntervalMs?: number;
    readonly transmitIntervalMs?: number;
    readonly detectMultiplier?: number;
    readonly passive?: boolean;
    readonly multihop?: boolean;
    readonly minimumTtl?: number;
  }): Promise<unknown>;
  removeSession(peer: { readonly peerAddress: string; readonly multihop?: boolean }): Promise<boolean>;
  close(): Promise<void>;
};

export type BfdSessionsDeps = {
  /** Starts the worker; called once, at the first session. */
  readonly start: () => Promise<BfdControl>;
  readonly log: Logger;
  readonly metrics?: BgpMetrics;
  /** `peerAddress`'s BFD session went from Up to Down (or Up again: `up`). */
  readonly onChange: (peerAddress: string, up: boolean, wasUp: boolean) => void;
};

export type BfdPeer = {
  readonly peer: string;
  readonly peerAddress: string;
  readonly localAddress?: string | undefined;
  readonly multihop: boolean;
  readonly profile: ResolvedBfdProfile;
};

export class BfdSessions {
  readonly #d: BfdSessionsDeps;
  /** Every call goes through this chain, so adds and removes reach the worker in order. */
  #worker: Promise<BfdControl | undefined> | undefined;

  constructor(deps: BfdSessionsDeps) {
    this.#d = deps;
  }

  add(p: BfdPeer): void {
    void this.#started().then(async (bfd) => {
      if (bfd === undefined) return;
      try {
        await bfd.addSession({
          peerAddress: p.peerAddress,
          ...(p.localAddress === undefined ? {} : { localAddress: p.localAddress }),
          receiveIntervalMs: p.profile.receiveIntervalMs,
          transmitIntervalMs: p.profile.transmitIntervalMs,
          detectMultiplier: p.profile.detectMultiplier,
          passive: p.profile.passiveMode,
          ...(p.multihop ? { multihop: true, minimumTtl: p.profile.minimumTtl } : {}),
        });
        this.#d.metrics?.setBfdUp(p.peerAddress, false);
        this.#d.log.info(
          { peer: p.peer, address: p.peerAddress, profile: p.profile.name },
          'BFD session added',
        );
      } catch (error) {
        this.#d.log.warn({ peer: p.peer, err: errorText(error) }, 'BFD session not added');
      }
    });
  }

  remove(peerAddress: string, multihop: boolean): void {
    this.#d.metrics?.forgetBfd(peerAddress);
    void this.#worker?.then((bfd) => bfd?.removeSession({ peerAddress, multihop }));
  }

  async close(): Promise<void> {
    await (await this.#worker)?.close();
  }

  #started(): Promise<BfdControl | undefined> {
    this.#worker ??= this.#d.start().then(
      (bfd) => {
        bfd.onStateChange((change) => {
          const up = change.to === BfdState.up;
          this.#d.metrics?.setBfdUp(change.peerAddress, up);
          this.#d.onChange(change.peerAddress, up, change.from === BfdState.up);
        });
        return bfd;
      },
      (error: unknown) => {
        this.#d.log.error({ err: errorText(error) }, 'BFD could not start; sessions run without it');
        return undefined;
      },
    );
    return this.#worker;
  }
}
