import { formatLabels, formatSampleValue } from './exposition.ts';
import { LabelledMetric, type LabelPairs, type LabelValues, splitArguments } from './labelled-metric.ts';
import { MetricsError } from './metrics-error.ts';

type CounterState = { value: number };

/** A value that only goes up (resets only when the process restarts). */
export class Counter<L extends string = never> extends LabelledMetric<L, CounterState> {
  readonly type = 'counter';

  inc(value?: number): void;
  inc(labels: LabelValues<L>, value?: number): void;
  inc(labelsOrValue?: LabelValues<L> | number, value?: number): void {
    const [labels, n] = splitArguments(labelsOrValue, value, 1);
    if (!(n >= 0)) throw new MetricsError('NEGATIVE_INCREMENT', `${this.name}: increment ${n} is not ≥ 0`);
    this.series(labels).value += n;
  }

  protected newState(): CounterState {
    return { value: 0 };
  }

  protected renderSeries(labels: LabelPairs, state: CounterState, out: string[]): void {
    out.push(`${this.name}${formatLabels(labels)} ${formatSampleValue(state.value)}`);
  }
}
