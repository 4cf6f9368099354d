import { formatLabels, formatSampleValue } from './exposition.ts';
import { LabelledMetric, type LabelPairs, type LabelValues, splitArguments } from './labelled-metric.ts';

type GaugeState = { value: number };

/** A value that is set, up or down. */
export class Gauge<L extends string = never> extends LabelledMetric<L, GaugeState> {
  readonly type = 'gauge';

  set(value: number): void;
  set(labels: LabelValues<L>, value: number): void;
  set(labelsOrValue: LabelValues<L> | number, value?: number): void {
    const [labels, v] = splitArguments(labelsOrValue, value, 0);
    this.series(labels).value = v;
  }

  protected newState(): GaugeState {
    return { value: 0 };
  }

  protected renderSeries(labels: LabelPairs, state: GaugeState, out: string[]): void {
    out.push(`${this.name}${formatLabels(labels)} ${formatSampleValue(state.value)}`);
  }
}
