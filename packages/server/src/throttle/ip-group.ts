/**
 * The client a per-IP counter counts. An IPv4 address is one client. An IPv6 client gets
 * a whole /64 (often much more) from its provider and may use any address in it, so
 * counting single IPv6 addresses would give it 2^64 budgets: it is counted by its /64.
 */
import { isIPv4, isIPv6 } from 'node:net';

/** The eight 16-bit groups of a valid IPv6 address (`::` expanded, a dotted IPv4 tail converted). */
function hextets(address: string): number[] {
  const hex16 = (high?: string, low?: string) => ((Number(high) << 8) | Number(low)).toString(16);
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(address);
  const text = dotted ? `${address.slice(0, dotted.index)}${hex16(dotted[1], dotted[2])}:${hex16(dotted[3], dotted[4])}` : address;
  const parse = (part: string | undefined) => (part ? part.split(':').map((h) => Number.parseInt(h, 16)) : []);
  const [head, tail] = text.split('::');
  const left = parse(head);
  const right = parse(tail);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

/**
 * Pure: `192.0.2.1` → `192.0.2.1`; `2001:db8:1:2:3:4:5:6` → `2001:db8:1:2::/64`;
 * `::ffff:192.0.2.1` (IPv4-mapped, as a dual-stack socket reports IPv4 peers) → `192.0.2.1`.
 * Anything that is not an IP address is returned as it is.
 */
export function ipGroup(ip: string): string {
  const address = ip.replace(/%.*$/, ''); // a zone index names the local interface, not the client
  if (isIPv4(address)) return address;
  if (!isIPv6(address)) return ip;
  const groups = hextets(address.toLowerCase());
  const [, , , , , mapped, high = 0, low = 0] = groups;
  if (groups.slice(0, 5).every((h) => h === 0) && mapped === 0xffff) return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
  return `${groups
    .slice(0, 4)
    .map((h) => h.toString(16))
    .join(':')}::/64`;
}
