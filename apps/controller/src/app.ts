import {
  backoffDelayMs,
  type Clock,
  type HealthServer,
  HttpKubeClient,
  LeaderElector,
  type LeaderTimings,
  loadKubeConfig,
  type Service,
  sleep,
  startHealthServer,
  systemClock,
} from '@baremetal-lb/kube';
import { EventLoopWatchdog } from '@baremetal-lb/liveness';
import { statusKinds } from './config-status.ts';
import { Controller } from './controller.ts';
import { KubeControllerApi, KubeLeaseStore } from './controller-api.ts';
import { createControllerEvents } from './controller-events.ts';
import type { ControllerOptions as Flags } from './flags.ts';
import { startInformers } from './informers.ts';
import { createLogger, type Logger } from './log.ts';
import { ensureMemberlistSecret } from './memberlist-secret.ts';
import { ControllerMetrics } from './metrics.ts';
import { buildPoolConfig } from './pool-config.ts';

export type RunningController = {
  readonly controller: Controller;
  readonly metricsPort: number;
  readonly log: Logger;
  /** Graceful stop: stop writing, release the Lease, close watches and the server. */
  stop(): Promise<void>;
};

/** See ControllerOptions.poolStatusDelayMs. */
const defaultPoolStatusDelayMs = 1_000;
/** Retries of the new leader's list of Services: 250 ms doubling to 2 s (the API server is briefly away). */
const restoreListBackoff = { baseDelayMs: 250, maxDelayMs: 2_000 };

/**
 * Wires the controller to the Kubernetes API: informers, work queue, leader election, metrics
 * and health endpoints. Resolves once serving; never throws for API outages (they are retried).
 */
export async function runController(
  flags: Flags,
  overrides: { log?: Logger; clock?: Clock; leaderTimings?: LeaderTimings } = {},
): Promise<RunningController> {
  const log = overrides.log ?? createLogger(flags.logLevel);
  const clock = overrides.clock ?? systemClock;
  const metrics = new ControllerMetrics();
  const kc = loadKubeConfig(flags.kubeconfig, process.env, flags.client.kubeConfig);
  const client = new HttpKubeClient(kc, {
    observe: (verb, status) => metrics.apiRequests.inc({ verb, code: String(status) }),
    rateLimit: flags.client.rateLimit,
  });
  const api = new KubeControllerApi(client);
  const recorder = createControllerEvents({
    sink: api,
    clock,
    identity: flags.identity,
    log,
    onEmit: (reason) => metrics.events.inc({ reason }),
  });

  let informersSynced = () => false;
  const controller = new Controller(
    {
      services: { get: (n, ns) => informers.services.get(n, ns), list: (ns) => informers.services.list(ns) },
      pools: { get: (n, ns) => informers.pools.get(n, ns), list: (ns) => informers.pools.list(ns) },
      namespaces: {
        get: (n, ns) => informers.namespaces.get(n, ns),
        list: (ns) => informers.namespaces.list(ns),
      },
      configObjects: new Map(
        statusKinds.map((kind) => [
          kind,
          {
            get: (n, ns) => informers.configObjects.get(kind)!.get(n, ns),
            list: (ns) => informers.configObjects.get(kind)!.list(ns),
          },
        ]),
      ),
      api,
      recorder,
      buildPools: buildPoolConfig,
      clock,
      metrics,
      log,
    },
    {
      namespace: flags.namespace,
      lbClass: flags.lbClass,
      workers: flags.workers,
      poolStatusDelayMs: defaultPoolStatusDelayMs,
    },
  );
  const informers = startInformers({
    client,
    namespace: flags.namespace,
    watcher: controller,
    clock,
    log,
  });
  informersSynced = informers.isSynced;

  // Alive while the event loop runs (an API outage is no reason for a restart: it only delays).
  const loop = new EventLoopWatchdog().start();
  const server: HealthServer = await startHealthServer(
    flags.metricsHost,
    flags.metricsPort,
    metrics.registry,
    {
      healthy: () => !loop.stalled(),
      // A standby is ready once its caches are warm; the leader once it has restored assignments.
      ready: () => informersSynced() && (controller.leading ? controller.restored : flags.leaderElect),
    },
  );
  log.info(
    {
      metricsPort: server.port,
      namespace: flags.namespace,
      lbClass: flags.lbClass ?? null,
      leaderElect: flags.leaderElect,
      identity: flags.identity,
    },
    'controller starting',
  );

  const started = performance.now();
  const electing = new AbortController();
  const secretDone =
    flags.mlSecretName === undefined
      ? Promise.resolve()
      : ensureMemberlistSecret({
          client,
          namespace: flags.namespace,
          name: flags.mlSecretName,
          clock,
          log,
          signal: electing.signal,
        }).then(() => {});
  let elector: LeaderElector | undefined;
  let transition: Promise<void> = Promise.resolve();
  /**
   * The Services as the API server has them now, for the new leader's restore (never the cache:
   * it may lag the previous leader's last writes). Retried while this replica still leads;
   * undefined once it no longer does.
   */
  const listWhileLeading = async (): Promise<readonly Service[] | undefined> => {
    for (let attempt = 0; elector?.isLeader && !electing.signal.aborted; attempt += 1) {
      try {
        return await api.listServices(electing.signal);
      } catch (error) {
        log.warn({ err: error }, 'could not list Services to restore from; retrying');
        await sleep(clock, backoffDelayMs(restoreListBackoff, attempt + 1), electing.signal);
      }
    }
    return undefined;
  };
  let electorDone: Promise<void> = Promise.resolve();
  const ready = informers.synced.then(() => {
    if (electing.signal.aborted) return;
    log.info({ ms: Math.round(performance.now() - started) }, 'caches synced');
    if (!flags.leaderElect) {
      controller.startLeading();
      metrics.leader.set(1);
      return;
    }
    elector = new LeaderElector({
      store: new KubeLeaseStore(client, flags.namespace, flags.leaseName),
      identity: flags.identity,
      clock,
      log,
      ...(overrides.leaderTimings ? { timings: overrides.leaderTimings } : {}),
      // Transitions run in order: leading again only after the reconciles of the previous term
      // have finished, so the restore never misses a write still in flight.
      callbacks: {
        onStartedLeading: () => {
          transition = transition.then(async () => {
            const current = await listWhileLeading();
            if (current === undefined) return; // lost the Lease meanwhile
            metrics.leader.set(1);
            controller.startLeading(current);
            log.info({ ms: Math.round(performance.now() - started) }, 'leading: assignments restored');
          });
        },
        onStoppedLeading: () => {
          metrics.leader.set(0);
          // Not a moment later: a standby may take the Lease once it expires.
          controller.fence();
          transition = transition.then(() => controller.stopLeading());
        },
      },
    });
    electorDone = elector.run(electing.signal);
  });

  let stopping: Promise<void> | undefined;
  return {
    controller,
    metricsPort: server.port,
    log,
    stop: () => {
      stopping ??= (async () => {
        electing.abort();
        await electorDone;
        await secretDone;
        await transition;
        await controller.stopLeading();
        await elector?.release();
        metrics.leader.set(0);
        await informers.stop();
        loop.stop();
        await server.close();
        await client.close();
        void ready;
      })();
      return stopping;
    },
  };
}
