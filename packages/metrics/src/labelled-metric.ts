/**
 * What counters, gauges and histograms share: a declared label set, one series per distinct
 * label values, and the `# HELP` / `# TYPE` header of the exposition.
 */
import { escapeHelp, isLabelName, isMetricName } from './exposition.ts';
import { MetricsError } from './metrics-error.ts';

/** Label values by name; a name left out is left out of the series too. */
export type LabelValues<L extends string> = Partial<Record<L, string | number>>;

export type MetricOptions<L extends string> = {
  readonly name: string;
  readonly help: string;
  readonly labelNames?: readonly L[];
  /** Runs before each exposition, for values read when scraped. */
  readonly collect?: () => void;
};

export type LabelPairs = readonly (readonly [string, string])[];

type Series<S> = { readonly labels: LabelPairs; readonly state: S };

export abstract class LabelledMetric<L extends string, S> {
  abstract readonly type: 'counter' | 'gauge' | 'histogram';
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly L[];
  readonly #collect: (() => void) | undefined;
  readonly #series = new Map<string, Series<S>>();

  constructor(options: MetricOptions<L>) {
    if (!isMetricName(options.name)) {
      throw new MetricsError('INVALID_NAME', `invalid metric name ${JSON.stringify(options.name)}`);
    }
    for (const label of options.labelNames ?? []) {
      if (!isLabelName(label) || label === 'le') {
        throw new MetricsError(
          'INVALID_NAME',
          `invalid label name ${JSON.stringify(label)} on ${options.name}`,
        );
      }
    }
    this.name = options.name;
    this.help = options.help;
    this.labelNames = options.labelNames ?? [];
    this.#collect = options.collect;
  }

  /** Drops every series; an unlabelled metric starts again from zero. */
  reset(): void {
    this.#series.clear();
  }

  /** Appends this metric's lines (header and samples) to `out`. */
  render(out: string[]): void {
    this.#collect?.();
    out.push(`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} ${this.type}`);
    // An unlabelled metric always has its one series, at zero before first use.
    if (this.labelNames.length === 0) this.series({});
    for (const { labels, state } of this.#series.values()) this.renderSeries(labels, state, out);
  }

  /** The state of the series for `labels`, created on first use. */
  protected series(labels: LabelValues<L>): S {
    for (const name in labels) {
      if (!this.labelNames.includes(name as L)) {
        throw new MetricsError('UNKNOWN_LABEL', `${this.name} has no label ${JSON.stringify(name)}`);
      }
    }
    let key = '';
    for (const name of this.labelNames) {
      const value = labels[name];
      key += value === undefined ? '\u0001' : String(value);
      key += '\u0000';
    }
    const found = this.#series.get(key);
    if (found !== undefined) return found.state;
    const pairs: [string, string][] = [];
    for (const name of this.labelNames) {
      const value = labels[name];
      if (value !== undefined) pairs.push([name, String(value)]);
    }
    const state = this.newState();
    this.#series.set(key, { labels: pairs, state });
    return state;
  }

  protected abstract newState(): S;
  protected abstract renderSeries(labels: LabelPairs, state: S, out: string[]): void;
}

/** Splits the (labels, value) / (value) overloads the metrics share. */
export function splitArguments<L extends string>(
  labelsOrValue: LabelValues<L> | number | undefined,
  value: number | undefined,
  fallback: number,
): [LabelValues<L>, number] {
  if (typeof labelsOrValue === 'number') return [{}, labelsOrValue];
  return [labelsOrValue ?? {}, value ?? fallback];
}
