// The SSRF policy on addresses alone: which rule refuses what, IPv4-mapped spellings, and the allow-lists.
import { describe, expect, it } from 'vitest';
import { createUrlPolicy, normalizeHost } from '../../../src/images/url-policy.js';

const strict = createUrlPolicy({ allowHosts: [], allowCidrs: [] });

describe('url policy', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:c0a8:101', 'private'],
    ['169.254.169.254', 'link-local'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['::ffff:0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['::7f00:1', 'loopback'],
    ['::2', 'reserved'],
    ['64:ff9b::a00:1', 'private'],
  ])('refuses %s as %s', (address, rule) => {
    expect(strict.refusal(address)).toBe(rule);
  });

  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '192.169.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])(
    'lets the public address %s through',
    (address) => {
      expect(strict.refusal(address)).toBeUndefined();
    },
  );

  // IPv6 forms that embed an IPv4 address are judged by the address inside; a public one inside a translated
  // form is still refused, since only the plain IPv4-mapped form reaches the host without a relay in between.
  it.each([
    ['::ffff:0:127.0.0.1', 'loopback'], // IPv4-translated (SIIT), ::ffff:0:0:0/96
    ['::ffff:0:7f00:1', 'loopback'],
    ['::ffff:0:10.1.2.3', 'private'],
    ['::ffff:0:8.8.8.8', 'reserved'],
    ['::ffff:0:0', 'unspecified'], // ::ffff:0.0.0.0
    ['::127.0.0.1', 'loopback'], // IPv4-compatible, ::/96
    ['::169.254.169.254', 'link-local'],
    ['::8.8.8.8', 'reserved'],
    ['64:ff9b::127.0.0.1', 'loopback'], // NAT64 well-known prefix
    ['64:ff9b::169.254.169.254', 'link-local'],
    ['64:ff9b::8.8.8.8', 'reserved'],
    ['64:ff9b:1::1', 'reserved'], // local-use NAT64, 64:ff9b:1::/48
    ['64:ff9b:1:7f00:1::', 'reserved'],
    ['2002:7f00:1::1', 'loopback'], // 6to4 of 127.0.0.1
    ['2002:a9fe:a9fe::', 'link-local'], // 6to4 of 169.254.169.254
    ['2002:c0a8:101:1::5', 'private'],
    ['2002:808:808::1', 'reserved'],
    ['2001:0:4136:e378:8000:63bf:80ff:fffe', 'loopback'], // Teredo, client 127.0.0.1 inverted
    ['2001::f5ff:fffe', 'private'], // Teredo, client 10.0.0.1 inverted
    ['2001:0:4136:e378:8000:63bf:f7f7:f7f7', 'reserved'],
    ['::FFFF:0:127.0.0.1', 'loopback'],
    ['fe80::1%eth0', 'link-local'],
  ])('refuses the IPv4-embedding address %s as %s', (address, rule) => {
    expect(strict.refusal(address)).toBe(rule);
  });

  it('refuses what is not an address at all', () => {
    expect(strict.refusal('localhost')).toBe('not an IP address');
  });

  it('an allow-listed range opens exactly that range, in both spellings', () => {
    const policy = createUrlPolicy({ allowHosts: [], allowCidrs: ['10.20.0.0/16', 'fd00:1::/32', '127.0.0.1'] });
    expect(policy.refusal('10.20.3.4')).toBeUndefined();
    expect(policy.refusal('::ffff:10.20.3.4')).toBeUndefined();
    expect(policy.refusal('10.21.0.1')).toBe('private');
    expect(policy.refusal('fd00:1::5')).toBeUndefined();
    expect(policy.refusal('fd00:2::5')).toBe('private');
    expect(policy.refusal('127.0.0.1')).toBeUndefined();
    expect(policy.refusal('127.0.0.2')).toBe('loopback');
  });

  it('refuses a malformed range with the entry in the message', () => {
    expect(() => createUrlPolicy({ allowHosts: [], allowCidrs: ['10.0.0.0/33'] })).toThrow('"10.0.0.0/33"');
    expect(() => createUrlPolicy({ allowHosts: [], allowCidrs: ['intranet'] })).toThrow('"intranet"');
  });

  it('matches allow-listed hosts exactly or by a *. wildcard, ignoring case, brackets and a final dot', () => {
    const policy = createUrlPolicy({ allowHosts: ['Images.Internal', '*.cdn.corp', '[::1]'], allowCidrs: [] });
    expect(policy.hostAllowed('images.internal.')).toBe(true);
    expect(policy.hostAllowed('a.cdn.corp')).toBe(true);
    expect(policy.hostAllowed('cdn.corp')).toBe(false);
    expect(policy.hostAllowed('evilcdn.corp')).toBe(false);
    expect(policy.hostAllowed('images.internal.evil.com')).toBe(false);
    expect(policy.hostAllowed('[::1]')).toBe(true);
    expect(normalizeHost('[FE80::1]')).toBe('fe80::1');
  });
});
