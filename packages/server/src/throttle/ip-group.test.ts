import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ipGroup } from './ip-group.js';

test('IPv4 addresses count alone; IPv6 addresses count by their /64; IPv4-mapped IPv6 is IPv4', () => {
  const cases: Array<[string, string]> = [
    ['192.0.2.1', '192.0.2.1'],
    ['127.0.0.1', '127.0.0.1'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::', '2001:db8:1:2::/64'],
    ['2001:0DB8:0001:0002:ffff:ffff:ffff:ffff', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['2001:db8:0:0:1::', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['::', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['::ffff:192.0.2.1', '192.0.2.1'],
    ['::ffff:c000:201', '192.0.2.1'],
    ['::FFFF:203.0.113.9', '203.0.113.9'],
    ['64:ff9b::192.0.2.1', '64:ff9b:0:0::/64'],
    ['not an address', 'not an address'],
  ];
  for (const [ip, group] of cases) assert.equal(ipGroup(ip), group, ip);
});

test('every address of one /64 falls in one group, and the next /64 in another', () => {
  const groups = new Set(['2001:db8:a:b::1', '2001:db8:a:b:ffff::', '2001:db8:a:b:1:2:3:4', '2001:db8:a:b::'].map(ipGroup));
  assert.equal(groups.size, 1);
  assert.notEqual(ipGroup('2001:db8:a:b::1'), ipGroup('2001:db8:a:c::1'));
});
