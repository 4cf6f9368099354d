/**
 * Wires the speaker together: metrics and health first (so the kubelet's liveness probe answers
 * while the API server is still away), then informers, membership over UDP, interface watching,
 * per-interface responders and the layer-2 Speaker loop, then BGP mode.
 * `stop({ graceful: true })` is the SIGTERM path: leave the membership first (so the next node
 * takes over at once), withdraw every announcement (BGP: by UPDATE, or left to graceful restart),
 * then close.
 */
import { readFile } from 'node:fs/promises';
import { systemClock as kubeClock, startHealthServer } from '@baremetal-lb/kube';
import { Membership } from '@baremetal-lb/leader';
import { EventLoopWatchdog } from '@baremetal-lb/liveness';
import { openMembershipLink, watchInterfaces } from '@baremetal-lb/packet-socket';
import type { Logger } from 'pino';
import type { BgpMode } from './bgp/bgp-mode.ts';
import { startBgpMode } from './bgp/start-bgp-mode.ts';
import type { SpeakerFlags } from './cli/speaker-flags.ts';
import { ClusterCache } from './k8s/cluster-cache.ts';
import { openApiClient } from './k8s/open-api-client.ts';
import { sweepOrphanStatuses } from './k8s/orphan-status-sweep.ts';
import { createSpeakerEvents } from './k8s/speaker-events.ts';
import { Announcer, defaultHandOverOptions } from './layer2/announce/announcer.ts';
import { systemClock } from './layer2/announce/clock.ts';
import { compileExcludePatterns } from './layer2/interfaces/interface-eligibility.ts';
import { StatusWriter } from './layer2/k8s/status-writer.ts';
import { changesLiveSet } from './layer2/live-set-change.ts';
import { membershipAddresses } from './layer2/membership-seeds.ts';
import { SpeakerResponders } from './layer2/net/speaker-responders.ts';
import { eligibleInterfaces, toInterfaceInfos } from './layer2/net/to-interface-info.ts';
import { Speaker } from './layer2/speaker.ts';
import { errorText } from './observe/error-text.ts';
import { SpeakerMetrics } from './observe/speaker-metrics.ts';

export type RunningSpeaker = {
  readonly metrics: SpeakerMetrics;
  readonly speaker: Speaker;
  readonly membership: Membership;
  stop(options: { graceful: boolean }): Promise<void>;
};

/**
 * How long to wait for the first other member before announcing anyway, ms: a join answer takes
 * one LAN round trip and membership retries unreachable seeds every second, so 3 s means the
 * seeds are really gone (or this is the only node left).
 */
const joinTimeoutMs = 3000;

/**
 * How long to wait for the members' acks of our `alive` before announcing anyway, ms: a LAN round
 * trip is well under 1 ms, but a peer's busy event loop on a loaded node has delayed it by 30 ms
 * and more in the e2e lab; a member that never acks (dead, not yet detected) costs this once.
 */
const confirmTimeoutMs = 100;

/**
 * Cold start: for this long after joining the membership, an IP that a Node never seen in the
 * membership would own is not announced, ms (Speaker's startHold). Three speakers started
 * together joined a median 0.4–0.7 s and at most 1.3 s apart in 60 trials on a loaded 2-core
 * machine (apps/speaker/README.md, "Start-up"; one earlier trial, 4.1 s). A Node whose speaker is really down costs its
 * stand-in this much once, while the node that answered until then keeps answering (the
 * hand-over timeout is longer). An owner whose betters are all known announces at once.
 */
const startHoldMs = 2000;

/**
 * How often the first live member deletes status objects of Services and Nodes that no longer
 * exist, ms, and how old such an object must be (its Service may be newer than our cache), ms.
 * Orphans are rare (a Service deleted while its node was down): a few minutes is soon enough.
 */
const orphanSweepMs = 300_000;
const orphanMinAgeMs = 60_000;

/** While the API server cannot be reached at start-up, say so this often, ms. */
const apiWaitLogIntervalMs = 10_000;

export class SpeakerStartError extends Error {
  readonly code = 'ERR_SPEAKER_START';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SpeakerStartError';
  }
}

async function readSecret(path: string | undefined): Promise<string> {
  if (path === undefined) {
    throw new SpeakerStartError(
      '--ml-secret-path (or METALLB_ML_SECRET_KEY_PATH) is required: membership is always authenticated',
    );
  }
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch (cause) {
    throw new SpeakerStartError(`cannot read membership secret "${path}"`, { cause });
  }
}

export async function runSpeaker(flags: SpeakerFlags, log: Logger): Promise<RunningSpeaker> {
  const secret = await readSecret(flags.mlSecretPath);
  const exclude = compileExcludePatterns(flags.excludeInterfaces);
  const metrics = new SpeakerMetrics();
  const client = openApiClient(flags);
  const clock = systemClock;

  let speaker: Speaker | undefined;
  let bgp: BgpMode | undefined;
  // Set once they run, for the health checks and scrapes that start before them.
  let startedMembership: Membership | undefined;
  let startedResponders: SpeakerResponders | undefined;
  let interfacesReady = false;
  const cluster = new ClusterCache(client, flags.namespace, kubeClock, log, () => {
    speaker?.requestReconcile();
    bgp?.requestReconcile();
  });
  // Health before anything that waits: a speaker started while the API server is away must not
  // fail its liveness probe (and crash-loop into a back-off longer than the outage). Alive = the
  // event loop and the responder thread run; ready = synced, sockets open, announcing.
  const loop = new EventLoopWatchdog().start();
  const health = await startHealthServer(flags.metricsHost, flags.metricsPort, metrics.registry, {
    healthy: () => !loop.stalled() && (startedResponders?.alive() ?? true),
    ready: () => cluster.synced && interfacesReady && speaker?.started === true,
    beforeScrape: () => {
      startedResponders?.flushCounts();
      const m = startedMembership;
      if (m !== undefined) metrics.setMembership(m.snapshot(), m.stats());
      metrics.apiConnected.set(cluster.connected ? 1 : 0);
    },
  });
  cluster.start();
  let announcer: Announcer | undefined;
  // The native responder thread answers once interfaces and placements arrive; failing to start
  // it (no addon) ends the start-up here.
  const responders = SpeakerResponders.start(flags, metrics, log, {
    onConflict: (report) => speaker?.reportConflict(report),
    onHandedOver: (placement, mac) => announcer?.handedOver(placement, mac),
  });
  startedResponders = responders;
  // Membership seeds come from the Node list, and without the caches there is nothing to announce:
  // wait for the API server however long it takes (joining without seeds would leave this node
  // alone in its view, winning every IP once Services arrive).
  for (let waited = 0; !cluster.synced; waited += apiWaitLogIntervalMs) {
    if (waited > 0) log.warn({ waitedMs: waited }, 'waiting for the API server before joining');
    await waitFor(() => cluster.synced, apiWaitLogIntervalMs);
  }

  const events = createSpeakerEvents({ client, clock: kubeClock, node: flags.nodeName, log });
  let stopping: Promise<void> | undefined;

  const addresses = membershipAddresses(
    cluster.nodes.list(),
    flags.nodeName,
    flags.mlBindAddr,
    flags.mlBindPort,
  );
  // The native link answers and sends the steady-state probes itself: an idle speaker's main
  // thread is not woken for them (README, "Footprint and start-up").
  const offload = openMembershipLink({ host: flags.mlBindAddr, port: flags.mlBindPort });
  offload.onError((error) => log.warn({ err: errorText(error) }, 'membership socket receive error'));
  const membership = new Membership({
    name: flags.nodeName,
    offload,
    secrets: [secret],
    seeds: addresses.seeds,
    ...(addresses.advertise === undefined ? {} : { advertiseAddress: addresses.advertise }),
  });
  startedMembership = membership;
  membership.subscribe((e) => {
    metrics.memberEvents.inc({ state: e.type, reason: e.reason });
    log.info(
      { event: 'member', member: e.member.name, state: e.type, reason: e.reason, by: e.by },
      `member ${e.member.name} ${e.type}`,
    );
    if (changesLiveSet(e)) speaker?.requestReconcile();
  });

  const nodeUid = () => cluster.nodes.get(flags.nodeName)?.metadata.uid;
  const statusWriter = new StatusWriter({
    client,
    namespace: flags.namespace,
    node: flags.nodeName,
    nodeUid,
    clock: kubeClock,
  });
  announcer = new Announcer(
    responders,
    clock,
    { intervalMs: flags.gratuitousIntervalMs, durationMs: flags.gratuitousDurationMs },
    { ...defaultHandOverOptions, onReleased: (released) => speaker?.released(released) },
  );
  speaker = new Speaker({
    nodeName: flags.nodeName,
    lbClass: flags.lbClass,
    log,
    metrics,
    cluster,
    members: {
      liveMembers: () => membership.liveMembers(),
      knownMembers: () => membership.snapshot().members.map((m) => m.name),
    },
    interfaces: () => responders.interfaces,
    announcer,
    startHold: { holdMs: startHoldMs, now: clock.now },
    statusWriter,
    events,
  });

  // Interface changes (including the initial list) reopen sockets and re-place the IPs.
  const watcher = watchInterfaces(
    (list) => {
      const eligible = eligibleInterfaces(toInterfaceInfos(list), exclude);
      responders.setInterfaces(eligible).then(() => {
        interfacesReady = true;
        log.debug({ interfaces: responders.interfaces.map((i) => i.name) }, 'interfaces');
        speaker?.requestReconcile();
      });
    },
    { onError: (error) => log.warn({ err: errorText(error) }, 'interface watch error') },
  );

  membership.start();
  // Announce nothing until the view holds the others: alone in it, this node would win every IP
  // and send gratuitous ARPs for addresses other nodes are answering for. Joined is the first
  // other live member (its full state comes in the same reply); waited for by event, not polled,
  // so the owner starts answering one round trip after its hello.
  if (addresses.seeds.length > 0) await waitForJoin(membership, joinTimeoutMs);
  // A restarted node's `alive` reaches the node standing in for it a moment before that node's
  // view moves the IPs back; announcing first would make both answer until it does. One direct
  // round trip with every member makes sure they know before we claim anything.
  const confirmedBy = await membership.confirmAlive(confirmTimeoutMs);
  log.info({ members: membership.liveMembers(), confirmedBy }, 'membership joined');
  speaker.start();
  // BGP mode needs no membership, but it starts after layer 2 is up: its informers and its first
  // reconcile must not delay layer 2's cold start (where every speaker races the others to the
  // first answer). It starts once its own caches are in (a passwordSecret not yet listed would
  // look missing); a process stopped before that never runs it.
  void (async () => {
    cluster.startBgp();
    for (let waited = 0; !cluster.bgpSynced && stopping === undefined; waited += apiWaitLogIntervalMs) {
      if (waited > 0) log.warn({ waitedMs: waited }, 'waiting for the API server before starting BGP mode');
      await waitFor(() => cluster.bgpSynced || stopping !== undefined, apiWaitLogIntervalMs);
    }
    if (stopping !== undefined) return;
    bgp = startBgpMode({
      nodeName: flags.nodeName,
      namespace: flags.namespace,
      lbClass: flags.lbClass,
      client,
      cluster,
      nodeUid,
      metrics,
      events,
      log,
    });
  })().catch((error: unknown) => log.error({ err: errorText(error) }, 'BGP mode did not start'));
  const sweepTimer = setInterval(() => {
    if ([...membership.liveMembers()].sort()[0] !== flags.nodeName || !cluster.connected) return;
    const exists = {
      service: (namespace: string, name: string) => cluster.services.get(name, namespace) !== undefined,
      node: (name: string) => cluster.nodes.get(name) !== undefined,
    };
    sweepOrphanStatuses(client, flags.namespace, exists, kubeClock.now(), orphanMinAgeMs).then(
      (deleted) => {
        if (deleted.length > 0)
          log.info(
            { deleted, event: 'orphanStatuses' },
            'deleted status objects of Services or Nodes that are gone',
          );
      },
      (error: unknown) => log.debug({ err: errorText(error) }, 'orphaned status sweep failed'),
    );
  }, orphanSweepMs).unref();
  log.info(
    {
      seeds: addresses.seeds,
      advertise: addresses.advertise,
      port: flags.mlBindPort,
      metricsPort: flags.metricsPort,
    },
    'speaker started',
  );

  return {
    metrics,
    speaker,
    membership,
    stop({ graceful }) {
      stopping ??= (async () => {
        clearInterval(sweepTimer);
        const s = speaker!;
        // BGP: withdraw every route (or leave it to graceful restart) while layer 2 hands over.
        const bgpStopped = bgp?.stop();
        if (graceful) {
          // Leave first: the others drop us from election at once and the next owners announce;
          // we answer until each claims its IP (make-before-break), then stop.
          const leaving = membership.leave();
          await s.handOverAll();
          await leaving;
          log.info('left the membership; every IP handed over or withdrawn');
        } else {
          s.stop();
          announcer!.clear();
          await membership.stop();
        }
        await bgpStopped;
        await Promise.allSettled([watcher.close(), responders.close(), cluster.stop(), statusWriter.stop()]);
        await client.close();
        loop.stop();
        await health.close();
        log.info('stopped: sockets, watches and the health server closed');
      })();
      return stopping;
    },
  };
}

/** Resolves once the view holds another live member, or after `timeoutMs`. */
function waitForJoin(membership: Membership, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      unsubscribe();
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    const unsubscribe = membership.subscribe(() => {
      if (membership.liveMembers().length > 1) done();
    });
    if (membership.liveMembers().length > 1) done();
  });
}

async function waitFor(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}
