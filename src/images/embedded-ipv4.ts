// IPv6 addresses that carry an IPv4 address inside them. A stack, a NAT64 gateway or a relay may turn such an
// address into a connection to that IPv4 host, so the SSRF policy judges it by the IPv4 address it embeds.

export interface EmbeddedIpv4 {
  /** The IPv4 address in dotted form, when the form says where it sits. */
  ipv4: string | undefined;
  /** How it is embedded, for the refusal's wording. */
  form: 'mapped' | 'translated' | 'compatible' | 'nat64' | 'nat64-local' | '6to4' | 'teredo';
}

/** The 16 bytes of an IPv6 literal (callers check it with net.isIP first); undefined if it does not parse. */
export function ipv6Bytes(address: string): Uint8Array | undefined {
  let text = address.replace(/%.*$/, '').toLowerCase();
  // A dotted tail (::ffff:1.2.3.4) is two more 16-bit words.
  const tail = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (tail) {
    const octets = tail.slice(1).map(Number);
    if (octets.some((o) => o > 255)) return undefined;
    const hex = (hi: number, lo: number) => ((hi << 8) | lo).toString(16);
    text = `${text.slice(0, tail.index)}${hex(octets[0]!, octets[1]!)}:${hex(octets[2]!, octets[3]!)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((w) => (/^[0-9a-f]{1,4}$/.test(w) ? Number.parseInt(w, 16) : Number.NaN)));
  const head = parse(halves[0] ?? '');
  const rest = halves.length === 2 ? parse(halves[1] ?? '') : [];
  const missing = 8 - head.length - rest.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const words = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...rest];
  if (words.some((w) => Number.isNaN(w))) return undefined;
  const bytes = new Uint8Array(16);
  words.forEach((w, i) => {
    bytes[i * 2] = w >> 8;
    bytes[i * 2 + 1] = w & 0xff;
  });
  return bytes;
}

const dotted = (b: Uint8Array, at: number, flip = 0) =>
  [0, 1, 2, 3].map((i) => (b[at + i]! ^ flip) & 0xff).join('.');

const zero = (b: Uint8Array, from: number, to: number) => b.subarray(from, to).every((x) => x === 0);

/** The IPv4 address an IPv6 address embeds, by the well-known forms; undefined for an ordinary IPv6 address. */
export function embeddedIpv4(address: string): EmbeddedIpv4 | undefined {
  const b = ipv6Bytes(address);
  if (!b) return undefined;
  const word = (i: number) => (b[i * 2]! << 8) | b[i * 2 + 1]!;
  // ::ffff:a.b.c.d (IPv4-mapped)
  if (zero(b, 0, 10) && word(5) === 0xffff) return { ipv4: dotted(b, 12), form: 'mapped' };
  // ::ffff:0:a.b.c.d (IPv4-translated, SIIT)
  if (zero(b, 0, 8) && word(4) === 0xffff && word(5) === 0) return { ipv4: dotted(b, 12), form: 'translated' };
  // ::a.b.c.d (IPv4-compatible, deprecated); :: and ::1 are IPv6's own unspecified and loopback.
  if (zero(b, 0, 12) && !zero(b, 12, 15)) return { ipv4: dotted(b, 12), form: 'compatible' };
  // 64:ff9b::/96, the well-known NAT64 prefix.
  if (word(0) === 0x64 && word(1) === 0xff9b && zero(b, 4, 12)) return { ipv4: dotted(b, 12), form: 'nat64' };
  // 64:ff9b:1::/48, local-use NAT64: where the IPv4 address sits depends on the operator's prefix length.
  if (word(0) === 0x64 && word(1) === 0xff9b && word(2) === 1) return { ipv4: undefined, form: 'nat64-local' };
  // 2002:AABB:CCDD::/48, 6to4: the relay's IPv4 address follows the prefix.
  if (word(0) === 0x2002) return { ipv4: dotted(b, 2), form: '6to4' };
  // 2001:0::/32, Teredo: the client's IPv4 address is the last 32 bits, inverted.
  if (word(0) === 0x2001 && word(1) === 0) return { ipv4: dotted(b, 12, 0xff), form: 'teredo' };
  return undefined;
}
