import { formatLabels, formatSampleValue } from './exposition.ts';
import {
  LabelledMetric,
  type LabelPairs,
  type LabelValues,
  type MetricOptions,
  splitArguments,
} from './labelled-metric.ts';
import { MetricsError } from './metrics-error.ts';

type HistogramState = { readonly counts: number[]; sum: number; count: number };

export type HistogramOptions<L extends string> = MetricOptions<L> & {
  /** Upper bounds, ascending; `+Inf` is implied. */
  readonly buckets: readonly number[];
};

/**
 * Observations counted into cumulative buckets: `_bucket{le="…"}` for each bound and `+Inf`,
 * then `_sum` and `_count` (the 0.0.4 text format's histogram).
 */
export class Histogram<L extends string = never> extends LabelledMetric<L, HistogramState> {
  readonly type = 'histogram';
  readonly #bounds: readonly number[];

  constructor(options: HistogramOptions<L>) {
    super(options);
    const bounds = options.buckets.filter((b) => b !== Number.POSITIVE_INFINITY);
    if (bounds.some((b, i) => Number.isNaN(b) || (i > 0 && b <= (bounds[i - 1] as number)))) {
      throw new MetricsError('INVALID_BUCKETS', `${options.name}: buckets must ascend strictly`);
    }
    this.#bounds = bounds;
  }

  observe(value: number): void;
  observe(labels: LabelValues<L>, value: number): void;
  observe(labelsOrValue: LabelValues<L> | number, value?: number): void {
    const [labels, v] = splitArguments(labelsOrValue, value, 0);
    const state = this.series(labels);
    let i = 0;
    while (i < this.#bounds.length && v > (this.#bounds[i] as number)) i++;
    (state.counts[i] as number)++;
    state.sum += v;
    state.count++;
  }

  protected newState(): HistogramState {
    return { counts: new Array<number>(this.#bounds.length + 1).fill(0), sum: 0, count: 0 };
  }

  protected renderSeries(labels: LabelPairs, state: HistogramState, out: string[]): void {
    let cumulative = 0;
    for (let i = 0; i <= this.#bounds.length; i++) {
      cumulative += state.counts[i] as number;
      const le = i < this.#bounds.length ? formatSampleValue(this.#bounds[i] as number) : '+Inf';
      out.push(`${this.name}_bucket${formatLabels([...labels, ['le', le]])} ${cumulative}`);
    }
    const plain = formatLabels(labels);
    out.push(
      `${this.name}_sum${plain} ${formatSampleValue(state.sum)}`,
      `${this.name}_count${plain} ${state.count}`,
    );
  }
}
