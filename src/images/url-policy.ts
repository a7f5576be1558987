// Which addresses the gateway may fetch an image from (SSRF). A caller's URL must never make the gateway reach
// itself, ComfyUI, a cloud metadata service or anything else on the inside: every address a URL resolves to is
// checked here before any connection is made, and gateway.yaml's allow-list is the only way to open an exception.
import { BlockList, isIP } from 'node:net';
import { embeddedIpv4 } from './embedded-ipv4.js';

export interface UrlPolicyOptions {
  /** Host names or IP literals that may be fetched whatever they resolve to (images.fetch.allow_hosts). */
  allowHosts: readonly string[];
  /** Address ranges that may be fetched although a rule below refuses them (images.fetch.allow_cidrs). */
  allowCidrs: readonly string[];
}

export interface UrlPolicy {
  /** True when gateway.yaml names this host (case-insensitive; `*.example.com` matches its subdomains). */
  hostAllowed(hostname: string): boolean;
  /** undefined when the address may be connected to; else the rule that refuses it ("loopback", …). */
  refusal(address: string): string | undefined;
}

/** [rule, network, prefix]: IPv4 ranges, refused as such and in their IPv4-mapped IPv6 form (::ffff:a.b.c.d). */
const IPV4_RULES: readonly (readonly [string, string, number])[] = [
  ['unspecified', '0.0.0.0', 8],
  ['private', '10.0.0.0', 8],
  ['private', '100.64.0.0', 10], // carrier-grade NAT: inside someone's network all the same
  ['loopback', '127.0.0.0', 8],
  ['link-local', '169.254.0.0', 16],
  ['private', '172.16.0.0', 12],
  ['reserved', '192.0.0.0', 24],
  ['private', '192.168.0.0', 16],
  ['reserved', '198.18.0.0', 15],
  ['multicast', '224.0.0.0', 4],
  ['reserved', '240.0.0.0', 4], // includes the broadcast address 255.255.255.255
];

const IPV6_RULES: readonly (readonly [string, string, number])[] = [
  ['unspecified', '::', 128],
  ['loopback', '::1', 128],
  ['private', 'fc00::', 7],
  ['link-local', 'fe80::', 10],
  ['private', 'fec0::', 10], // deprecated site-local
  ['multicast', 'ff00::', 8],
  // What is left of ::/96 once IPv4-compatible addresses are judged by their IPv4 part (::2 and the like).
  ['reserved', '::', 96],
];

export function createUrlPolicy(options: UrlPolicyOptions): UrlPolicy {
  const rules = IPV4_RULES.map(([rule, network, prefix]) => {
    const list = new BlockList();
    list.addSubnet(network, prefix, 'ipv4');
    list.addSubnet(`::ffff:${network}`, 96 + prefix, 'ipv6');
    return { rule, list };
  });
  for (const [rule, network, prefix] of IPV6_RULES) {
    const list = new BlockList();
    list.addSubnet(network, prefix, 'ipv6');
    rules.push({ rule, list });
  }
  const allowed = new BlockList();
  for (const cidr of options.allowCidrs) addCidr(allowed, cidr);
  const hosts = options.allowHosts.map((host) => normalizeHost(host));

  return {
    hostAllowed(hostname) {
      const host = normalizeHost(hostname);
      return hosts.some((entry) => entry === host || (entry.startsWith('*.') && host.endsWith(entry.slice(1))));
    },
    refusal(address) {
      const family = isIP(address);
      if (family === 0) return 'not an IP address';
      const type = family === 4 ? 'ipv4' : 'ipv6';
      if (allowed.check(address, type)) return undefined;
      if (type === 'ipv6') {
        // An address that embeds an IPv4 one is judged by that address: a private or loopback host stays one when
        // spelled through a translator. Only the plain IPv4-mapped form of a public address may be connected to
        // (the stack connects over IPv4 itself); the translated forms go through relays the gateway cannot see
        // past, and nothing public needs them here.
        const embedded = embeddedIpv4(address);
        if (embedded) {
          const inner = embedded.ipv4 === undefined ? undefined : rules.find(({ list }) => list.check(embedded.ipv4 as string, 'ipv4'))?.rule;
          if (inner) return inner;
          if (embedded.form !== 'mapped') return 'reserved';
          return undefined;
        }
      }
      return rules.find(({ list }) => list.check(address, type))?.rule;
    },
  };
}

/**
 * `10.1.0.0/16`, `fd00::/8`, or a single address; an IPv4 range also covers its IPv4-mapped IPv6 spelling.
 * Throws with the entry when it is not one (the config check calls this at start-up).
 */
export function addCidr(list: BlockList, cidr: string): void {
  const [network = '', prefixText] = cidr.trim().split('/');
  const family = isIP(network);
  const max = family === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (family === 0 || !Number.isInteger(prefix) || prefix < 0 || prefix > max) {
    throw new Error(`"${cidr}" is not an address range; write it as 10.1.0.0/16, fd00::/8 or a single address`);
  }
  const type = family === 4 ? 'ipv4' : 'ipv6';
  list.addSubnet(network, prefix, type);
  if (type === 'ipv4') list.addSubnet(`::ffff:${network}`, 96 + prefix, 'ipv6');
}

/** Lower case, no brackets around an IPv6 literal, no trailing dot of a fully qualified name. */
export function normalizeHost(host: string): string {
  return host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
}
