import { type Gauge, MetricsRegistry, registerProcessMetrics } from '@baremetal-lb/metrics';

/** Per-pool address counts, as the allocator reports them. Huge IPv6 pools saturate. */
export type PoolCounts = {
  readonly pool: string;
  readonly ipv4Total: number;
  readonly ipv4InUse: number;
  readonly ipv6Total: number;
  readonly ipv6InUse: number;
};

/**
 * The controller's Prometheus metrics: MetalLB's names (so existing dashboards and alerts keep
 * working) plus a few of our own under `baremetal_lb_controller_`.
 */
export class ControllerMetrics {
  readonly registry = new MetricsRegistry();
  readonly #addressesTotal = this.#gauge(
    'metallb_allocator_addresses_total',
    'Number of usable IP addresses, per pool',
  );
  readonly #addressesInUse = this.#gauge(
    'metallb_allocator_addresses_in_use_total',
    'Number of IP addresses in use, per pool',
  );
  readonly #ipv4Total = this.#gauge(
    'metallb_allocator_ipv4_addresses_total',
    'Number of usable IPv4 addresses, per pool',
  );
  readonly #ipv4InUse = this.#gauge(
    'metallb_allocator_ipv4_addresses_in_use_total',
    'Number of IPv4 addresses in use, per pool',
  );
  readonly #ipv6Total = this.#gauge(
    'metallb_allocator_ipv6_addresses_total',
    'Number of usable IPv6 addresses, per pool',
  );
  readonly #ipv6InUse = this.#gauge(
    'metallb_allocator_ipv6_addresses_in_use_total',
    'Number of IPv6 addresses in use, per pool',
  );
  readonly updates = this.registry.counter({
    name: 'metallb_k8s_client_updates_total',
    help: 'Number of k8s object updates that have been processed',
  });
  readonly updateErrors = this.registry.counter({
    name: 'metallb_k8s_client_update_errors_total',
    help: 'Number of k8s object updates that failed for some reason',
  });
  readonly configLoaded = this.registry.gauge({
    name: 'metallb_k8s_client_config_loaded_bool',
    help: '1 if the MetalLB configuration was successfully loaded at least once',
  });
  readonly configStale = this.registry.gauge({
    name: 'metallb_k8s_client_config_stale_bool',
    help: '1 if running on a stale configuration, because the latest config failed to load',
  });
  readonly reconciles = this.registry.counter<'kind' | 'result'>({
    name: 'baremetal_lb_controller_reconciles_total',
    help: 'Reconciles by kind (service, config, pools) and result (success, retry, reprocessAll, error)',
    labelNames: ['kind', 'result'],
  });
  readonly reconcileSeconds = this.registry.histogram<'kind'>({
    name: 'baremetal_lb_controller_reconcile_duration_seconds',
    help: 'Time one reconcile took, including its API writes',
    labelNames: ['kind'],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
  });
  readonly queueDepth = this.registry.gauge({
    name: 'baremetal_lb_controller_workqueue_depth',
    help: 'Keys waiting, delayed or in progress in the work queue',
  });
  readonly leader = this.registry.gauge({
    name: 'baremetal_lb_controller_leader',
    help: '1 while this replica holds the leader Lease (or runs without leader election)',
  });
  readonly events = this.registry.counter<'reason'>({
    name: 'baremetal_lb_controller_events_total',
    help: 'Kubernetes Events emitted, by reason; suppressed repeats are not counted',
    labelNames: ['reason'],
  });
  readonly apiRequests = this.registry.counter<'verb' | 'code'>({
    name: 'baremetal_lb_controller_api_requests_total',
    help: 'Kubernetes API requests made by the controller, by verb and status code (0 = unreachable)',
    labelNames: ['verb', 'code'],
  });

  constructor() {
    // process_resident_memory_bytes, nodejs_heap_size_used_bytes, ... read at scrape.
    registerProcessMetrics(this.registry);
  }

  #gauge(name: string, help: string): Gauge<'pool'> {
    return this.registry.gauge<'pool'>({ name, help, labelNames: ['pool'] });
  }

  /** Replaces the per-pool gauges; pools that disappeared lose their series. */
  setPoolCounts(pools: readonly PoolCounts[]): void {
    const gauges = [
      this.#addressesTotal,
      this.#addressesInUse,
      this.#ipv4Total,
      this.#ipv4InUse,
      this.#ipv6Total,
      this.#ipv6InUse,
    ];
    for (const gauge of gauges) gauge.reset();
    for (const counts of pools) {
      const labels = { pool: counts.pool };
      this.#addressesTotal.set(labels, saturatingAdd(counts.ipv4Total, counts.ipv6Total));
      this.#addressesInUse.set(labels, counts.ipv4InUse + counts.ipv6InUse);
      this.#ipv4Total.set(labels, counts.ipv4Total);
      this.#ipv4InUse.set(labels, counts.ipv4InUse);
      this.#ipv6Total.set(labels, counts.ipv6Total);
      this.#ipv6InUse.set(labels, counts.ipv6InUse);
    }
  }
}

function saturatingAdd(a: number, b: number): number {
  return Math.min(a + b, Number.MAX_SAFE_INTEGER);
}
