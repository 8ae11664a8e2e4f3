/** Reads a server's Prometheus /metrics into a Map of `name{labels}` → value. */
export async function scrape(url) {
  const response = await fetch(`${url}/metrics`);
  const text = await response.text();
  if (response.status !== 200) throw new Error(`/metrics: ${response.status} ${text}`);
  const samples = new Map();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    samples.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return samples;
}

/** A sample's value, 0 when absent. */
export const sample = (samples, name) => samples.get(name) ?? 0;

/**
 * The histogram's largest observation between two scrapes, as the bound of the bucket it
 * fell in: the smallest `le` whose count grew as much as the histogram's total count did
 * (Infinity when some observation was above the last bound; 0 when nothing was observed).
 */
export function maxBucketBetween(before, after, name, labels = '') {
  const count = sample(after, `${name}_count${labels}`) - sample(before, `${name}_count${labels}`);
  if (count === 0) return 0;
  const inner = labels.slice(1, -1);
  const bounds = [...after.keys()]
    .filter((key) => key.startsWith(`${name}_bucket{${inner ? `${inner},` : ''}le="`) && !key.includes('le="+Inf"'))
    .map((key) => ({ key, le: Number(/le="([^"]+)"/.exec(key)[1]) }))
    .sort((a, b) => a.le - b.le);
  for (const { key, le } of bounds) if (sample(after, key) - sample(before, key) === count) return le;
  return Number.POSITIVE_INFINITY;
}
