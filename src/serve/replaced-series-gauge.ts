// A gauge whose series are replaced all at once, each audit, and read only
// when rendered (createMetrics renders the findings' families once an audit). prom-client keeps a labelled gauge's series in a map, each
// under a key of all its label values joined (a finding's whole message among
// them), with an entry and a labels object: at 10,000 volumes the 7,800
// findings made 15,600 keys, 5 MiB that every audit rebuilt and discarded
// (reset, then a set per finding). Here the series are their labels and value
// alone, swapped for the next audit's in one assignment; prom-client still
// names, types and writes them (get() is what its registry reads).
import { Gauge, type MetricObjectWithValues, type MetricValue } from 'prom-client';

export class ReplacedSeriesGauge<T extends string> extends Gauge<T> {
  private series: MetricValue<T>[] = [];

  /** These series, and no others, from now on (each with its labels, as declared in labelNames). */
  replace(series: MetricValue<T>[]): void {
    this.series = series;
  }

  override async get(): Promise<MetricObjectWithValues<MetricValue<T>>> {
    const metric = await super.get();
    return { ...metric, values: this.series };
  }
}
