/**
 * Money is an integer count of nanodollars (10^-9 USD) inside the server and a decimal
 * string at its edges (docs/api.md, "Values"). No floating point touches a charge.
 */
const NANOS_PER_USD = 1_000_000_000n;

/** "0.0025" → 2500000n. The catalogue schema guarantees at most 9 decimals. */
export function usdToNanos(decimal: string): bigint {
  const [whole = '0', fraction = ''] = decimal.split('.');
  return BigInt(whole) * NANOS_PER_USD + BigInt(fraction.padEnd(9, '0'));
}

/** 7500000n → "0.0075": at least 4 decimals, more only when they are not zero. */
export function nanosToUsd(nanos: bigint | number | string): string {
  const value = BigInt(nanos);
  const sign = value < 0n ? '-' : '';
  const abs = value < 0n ? -value : value;
  const fraction = (abs % NANOS_PER_USD).toString().padStart(9, '0').replace(/0+$/, '').padEnd(4, '0');
  return `${sign}${abs / NANOS_PER_USD}.${fraction}`;
}
