/** The metrics one process exposes, rendered as one 0.0.4 text exposition. */
import { Counter } from './counter.ts';
import { exposition004ContentType } from './exposition.ts';
import { Gauge } from './gauge.ts';
import { Histogram, type HistogramOptions } from './histogram.ts';
import type { LabelledMetric, MetricOptions } from './labelled-metric.ts';
import { MetricsError } from './metrics-error.ts';

export class MetricsRegistry {
  readonly contentType = exposition004ContentType;
  readonly #metrics = new Map<string, LabelledMetric<string, unknown>>();

  counter<L extends string = never>(options: MetricOptions<L>): Counter<L> {
    return this.#add(new Counter(options));
  }

  gauge<L extends string = never>(options: MetricOptions<L>): Gauge<L> {
    return this.#add(new Gauge(options));
  }

  histogram<L extends string = never>(options: HistogramOptions<L>): Histogram<L> {
    return this.#add(new Histogram(options));
  }

  /** The exposition: every metric in registration order, each after its `# HELP` and `# TYPE`. */
  metrics(): string {
    const out: string[] = [];
    for (const metric of this.#metrics.values()) metric.render(out);
    return out.length === 0 ? '' : `${out.join('\n')}\n`;
  }

  #add<M extends LabelledMetric<string, unknown>>(metric: M): M {
    if (this.#metrics.has(metric.name)) {
      throw new MetricsError('DUPLICATE_METRIC', `metric ${metric.name} is registered twice`);
    }
    this.#metrics.set(metric.name, metric);
    return metric;
  }
}
