/**
 * A small Prometheus registry: counters, gauges and histograms with labels, rendered in the
 * text exposition format.
 *
 * Recording on the request path builds no string: a labelled series is bound once
 * (`labels(...)`) and kept, and per-request HTTP metrics find their series through nested
 * maps keyed by the route, method and status the request already has. Label text is
 * rendered when a series is first created, and at scrape time.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

type Labels = Record<string, string>;

const labelText = (labels: Labels): string => {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, '_')}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
};

/** One counter series: a number to add to. */
export class CounterSeries {
  value = 0;
  inc(by = 1): void {
    this.value += by;
  }
}

export class Counter {
  private readonly series = new Map<string, CounterSeries>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  /** The series for `labels`, created on first use; keep it to record without building a string. */
  labels(labels: Labels = {}): CounterSeries {
    const key = labelText(labels);
    let s = this.series.get(key);
    if (s === undefined) {
      s = new CounterSeries();
      this.series.set(key, s);
    }
    return s;
  }
  inc(labels: Labels = {}, by = 1): void {
    this.labels(labels).inc(by);
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    if (this.series.size === 0) lines.push(`${this.name} 0`);
    for (const [labels, s] of this.series) lines.push(`${this.name}${labels} ${s.value}`);
    return lines.join('\n');
  }
}

export class Gauge {
  value = 0;
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly read?: () => number,
  ) {}
  set(value: number): void {
    this.value = value;
  }
  render(): string {
    return [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} gauge`, `${this.name} ${this.read ? this.read() : this.value}`].join('\n');
  }
}

/** One histogram series: per-bucket counts (not cumulative; rendering sums them). */
export class HistogramSeries {
  readonly buckets: number[];
  sum = 0;
  count = 0;
  constructor(private readonly bounds: readonly number[]) {
    this.buckets = new Array<number>(bounds.length).fill(0);
  }
  observe(value: number): void {
    // The first bucket whose upper bound holds the value; above the last, only +Inf (count).
    const bounds = this.bounds;
    for (let i = 0; i < bounds.length; i++) {
      if (value <= (bounds[i] ?? Number.POSITIVE_INFINITY)) {
        this.buckets[i] = (this.buckets[i] ?? 0) + 1;
        break;
      }
    }
    this.sum += value;
    this.count++;
  }
}

export class Histogram {
  private readonly series = new Map<string, HistogramSeries>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly bounds: readonly number[],
  ) {}
  labels(labels: Labels = {}): HistogramSeries {
    const key = labelText(labels);
    let s = this.series.get(key);
    if (s === undefined) {
      s = new HistogramSeries(this.bounds);
      this.series.set(key, s);
    }
    return s;
  }
  observe(value: number, labels: Labels = {}): void {
    this.labels(labels).observe(value);
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const [key, s] of this.series) {
      const inner = key.slice(1, -1);
      const withLe = (le: string) => `{${inner ? `${inner},` : ''}le="${le}"}`;
      let cumulative = 0;
      this.bounds.forEach((b, i) => {
        cumulative += s.buckets[i] ?? 0;
        lines.push(`${this.name}_bucket${withLe(String(b))} ${cumulative}`);
      });
      lines.push(`${this.name}_bucket${withLe('+Inf')} ${s.count}`);
      lines.push(`${this.name}_sum${key} ${s.sum}`);
      lines.push(`${this.name}_count${key} ${s.count}`);
    }
    return lines.join('\n');
  }
}

/**
 * `http_requests_total` and `http_request_duration_seconds` for one request: three map
 * lookups (route, method, status) to series bound on first use.
 */
export class RequestMetrics {
  private readonly byRoute = new Map<string, Map<string, { duration: HistogramSeries; byStatus: Map<number, CounterSeries> }>>();
  constructor(
    readonly requests: Counter,
    readonly duration: Histogram,
  ) {}
  observe(method: string, route: string, status: number, seconds: number): void {
    let byMethod = this.byRoute.get(route);
    if (byMethod === undefined) {
      byMethod = new Map();
      this.byRoute.set(route, byMethod);
    }
    let series = byMethod.get(method);
    if (series === undefined) {
      series = { duration: this.duration.labels({ method, route }), byStatus: new Map() };
      byMethod.set(method, series);
    }
    let count = series.byStatus.get(status);
    if (count === undefined) {
      count = this.requests.labels({ method, route, status: String(status) });
      series.byStatus.set(status, count);
    }
    count.inc();
    series.duration.observe(seconds);
  }
}

/**
 * Event-loop delay: the longest stall since start, the longest during each batch flush
 * (`flushStarted` / `flushEnded` bracket a flush; flushes do not overlap; under load this
 * includes the time other callbacks and garbage collection hold the loop), and the longest
 * synchronous step of a flush itself (`step`), which is the flush's own share.
 */
export class EventLoopStalls {
  private readonly overall = monitorEventLoopDelay({ resolution: 10 });
  /** Sampled every millisecond, but only while a flush runs. */
  private readonly window = monitorEventLoopDelay({ resolution: 1 });
  readonly maxSeconds: Gauge;
  readonly flushMaxSeconds: Gauge;
  readonly flushStall: Histogram;
  readonly flushStepMaxSeconds: Gauge;
  readonly flushStep: Histogram;

  constructor() {
    this.maxSeconds = new Gauge('event_loop_delay_max_seconds', 'Longest event-loop stall since start.', () => this.overall.max / 1e9);
    this.flushMaxSeconds = new Gauge('batch_flush_event_loop_stall_max_seconds', 'Longest event-loop stall during any batch flush since start.');
    this.flushStepMaxSeconds = new Gauge(
      'batch_flush_step_max_seconds',
      'Longest synchronous step of any batch flush on the event loop (building a job and handing it to the writer) since start.',
    );
    this.flushStep = new Histogram(
      'batch_flush_step_seconds',
      'Synchronous steps of batch flushes on the event loop (building a job and handing it to the writer), wall time.',
      [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1],
    );
    this.flushStall = new Histogram(
      'batch_flush_event_loop_stall_seconds',
      'Longest event-loop stall during each batch flush.',
      [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    );
  }
  start(): void {
    this.overall.enable();
  }
  stop(): void {
    this.overall.disable();
    this.window.disable();
  }
  /** One synchronous flush step took `ms`. */
  step(ms: number): void {
    this.flushStep.observe(ms / 1000);
    if (ms / 1000 > this.flushStepMaxSeconds.value) this.flushStepMaxSeconds.set(ms / 1000);
  }
  flushStarted(): void {
    this.window.reset();
    this.window.enable();
  }
  flushEnded(): void {
    this.window.disable();
    // The histogram holds 0 until a delay was sampled; min/max are then meaningless.
    const stall = this.window.count === 0 ? 0 : this.window.max / 1e9;
    this.flushStall.observe(stall);
    if (stall > this.flushMaxSeconds.value) this.flushMaxSeconds.set(stall);
  }
}

/** Every metric the server exports, in one place. */
export function createMetrics() {
  const httpRequests = new Counter('http_requests_total', 'HTTP requests by method, route and status.');
  const httpDuration = new Histogram(
    'http_request_duration_seconds',
    'HTTP request duration in seconds by method and route.',
    [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  );
  const verifyCache = new Counter(
    'verify_cache_lookups_total',
    'Credential verification cache lookups by result: hit, miss, bypass (cache untrusted while the invalidation listener is down), or refresh (a hit that also asked the store, shortly before its entry expires).',
  );
  const stalls = new EventLoopStalls();
  const metrics = {
    httpRequests,
    httpDuration,
    verifyCache,
    invalidationsApplied: new Counter('cache_invalidations_applied_total', "Credential invalidations applied to this instance's cache."),
    batchFlushes: new Counter('batch_flushes_total', 'Batched write flushes by batch and outcome.'),
    batchFlushSize: new Histogram('batch_flush_size', 'Records written per batch flush.', [1, 10, 100, 1000, 10000, 100000]),
    batchRowsWritten: new Counter('batch_rows_written_total', 'Rows written (inserted or updated) by batch flushes, by batch.'),
    batchRecordsDropped: new Counter(
      'batch_records_dropped_total',
      'Batched records dropped, by batch, because the queue was full while the database could not be written.',
    ),
    eventLoopDelayMax: stalls.maxSeconds,
    flushStallMax: stalls.flushMaxSeconds,
    flushStall: stalls.flushStall,
    flushStepMax: stalls.flushStepMaxSeconds,
    flushStep: stalls.flushStep,
  };
  return {
    ...metrics,
    requests: new RequestMetrics(httpRequests, httpDuration),
    cacheHit: verifyCache.labels({ result: 'hit' }),
    cacheMiss: verifyCache.labels({ result: 'miss' }),
    cacheBypass: verifyCache.labels({ result: 'bypass' }),
    cacheRefresh: verifyCache.labels({ result: 'refresh' }),
    stalls,
    render: (): string =>
      `${Object.values(metrics)
        .map((m) => m.render())
        .join('\n')}\n`,
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
