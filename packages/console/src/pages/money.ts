/**
 * Charges arrive as decimal strings (USD); sums are made in integer nanodollars, as the server
 * makes them, so no floating-point rounding shows up in a total.
 */
export function toNanos(usd: string): bigint {
  const [whole = '0', fraction = ''] = usd.split('.');
  return BigInt(whole) * 1_000_000_000n + BigInt(fraction.padEnd(9, '0').slice(0, 9));
}

/** `$0.0075`: at least four decimals, more only where a charge needs them. */
export function formatUsd(nanos: bigint): string {
  const fraction = (nanos % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '').padEnd(4, '0');
  return `$${nanos / 1_000_000_000n}.${fraction}`;
}
