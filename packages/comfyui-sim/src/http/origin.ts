// origin_only_middleware: a request whose Origin names another host than its (loopback) Host gets 403.
// The port is compared only when both headers carry one.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

interface Netloc {
  hostname: string | null;
  port: number | null;
}

/** urllib's hostname/port of a netloc; a non-numeric port raises ValueError there (→ 500 here). */
function parseNetloc(netloc: string): Netloc {
  const hostport = netloc.slice(netloc.lastIndexOf('@') + 1);
  let host: string;
  let portText: string | undefined;
  if (hostport.startsWith('[')) {
    const end = hostport.indexOf(']');
    host = hostport.slice(1, end < 0 ? undefined : end);
    const rest = end < 0 ? '' : hostport.slice(end + 1);
    portText = rest.startsWith(':') ? rest.slice(1) : undefined;
  } else {
    const colon = hostport.lastIndexOf(':');
    host = colon < 0 ? hostport : hostport.slice(0, colon);
    portText = colon < 0 ? undefined : hostport.slice(colon + 1);
  }
  let port: number | null = null;
  if (portText !== undefined && portText !== '') {
    if (!/^\d+$/.test(portText) || Number(portText) > 65535) throw new Error(`Port could not be cast to integer value as '${portText}'`);
    port = Number(portText);
  }
  return { hostname: host === '' ? null : host.toLowerCase(), port };
}

function originNetloc(origin: string): string {
  const m = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/([^/?#]*)/.exec(origin) ?? /^\/\/([^/?#]*)/.exec(origin);
  return m?.[1] ?? '';
}

const loopbackNames = new Map<string, boolean>();

function isLoopbackIp(ip: string): boolean {
  return isIP(ip) === 4 ? ip.startsWith('127.') : ip === '::1' || ip === '0:0:0:0:0:0:0:1';
}

async function isLoopback(host: string | null): Promise<boolean> {
  if (!host) return false;
  if (isIP(host)) return isLoopbackIp(host);
  const known = loopbackNames.get(host);
  if (known !== undefined) return known;
  let result = false;
  try {
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), 1000).unref());
    const addrs = await Promise.race([lookup(host, { all: true }), timeout]);
    result = addrs.length > 0 && addrs.every((a) => isLoopbackIp(a.address));
  } catch {
    result = false;
  }
  loopbackNames.set(host, result);
  return result;
}

/** True when the request must be refused with 403. */
export async function originForbidden(hostHeader: string | undefined, originHeader: string | undefined): Promise<boolean> {
  if (hostHeader === undefined || originHeader === undefined) return false;
  let hostDomain: string | null = hostHeader.toLowerCase();
  let originDomain: string | null = originNetloc(originHeader).toLowerCase();
  const hostParsed = parseNetloc(hostDomain);
  const originParsed = parseNetloc(originDomain);
  const loopback = await isLoopback(hostParsed.hostname);
  if (originParsed.port === null) hostDomain = hostParsed.hostname;
  if (hostParsed.port === null) originDomain = originParsed.hostname;
  return loopback && !!hostDomain && !!originDomain && hostDomain !== originDomain;
}
