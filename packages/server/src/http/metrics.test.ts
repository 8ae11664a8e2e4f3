/** The Prometheus registry, without a server. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Counter, createMetrics, Histogram } from './metrics.js';

describe('Counter', () => {
  test('renders HELP, TYPE and a zero sample before anything is counted', () => {
    assert.equal(new Counter('jobs_total', 'Jobs.').render(), '# HELP jobs_total Jobs.\n# TYPE jobs_total counter\njobs_total 0');
  });

  test('counts per label set, in label order given', () => {
    const counter = new Counter('requests_total', 'Requests.');
    counter.inc({ method: 'GET', status: '200' });
    counter.inc({ method: 'GET', status: '200' }, 2);
    counter.inc({ method: 'POST', status: '201' });
    const lines = counter.render().split('\n').slice(2);
    assert.deepEqual(lines, ['requests_total{method="GET",status="200"} 3', 'requests_total{method="POST",status="201"} 1']);
  });

  test('a label value cannot break out of its quotes or its line', () => {
    const counter = new Counter('odd_total', 'Odd.');
    counter.inc({ route: 'a"b\\c\nd' });
    assert.equal(counter.render().split('\n')[2], 'odd_total{route="a_b_c_d"} 1');
  });
});

describe('Histogram', () => {
  test('cumulative buckets, +Inf, sum and count per label set', () => {
    const histogram = new Histogram('latency_seconds', 'Latency.', [0.1, 1]);
    histogram.observe(0.05, { route: '/a' });
    histogram.observe(0.5, { route: '/a' });
    histogram.observe(5, { route: '/a' });
    assert.deepEqual(histogram.render().split('\n'), [
      '# HELP latency_seconds Latency.',
      '# TYPE latency_seconds histogram',
      'latency_seconds_bucket{route="/a",le="0.1"} 1',
      'latency_seconds_bucket{route="/a",le="1"} 2',
      'latency_seconds_bucket{route="/a",le="+Inf"} 3',
      'latency_seconds_sum{route="/a"} 5.55',
      'latency_seconds_count{route="/a"} 3',
    ]);
  });

  test('without labels, le is the only label', () => {
    const histogram = new Histogram('size', 'Size.', [10]);
    histogram.observe(3);
    assert.match(histogram.render(), /^size_bucket\{le="10"\} 1$/m);
    assert.match(histogram.render(), /^size_count 1$/m);
  });
});

describe('createMetrics', () => {
  test('renders every metric, one exposition ending in a newline', () => {
    const metrics = createMetrics();
    const text = metrics.render();
    assert.ok(text.endsWith('\n'));
    for (const name of ['http_requests_total', 'http_request_duration_seconds', 'verify_cache_lookups_total', 'batch_flushes_total']) {
      assert.match(text, new RegExp(`^# TYPE ${name} `, 'm'), name);
    }
  });
});
