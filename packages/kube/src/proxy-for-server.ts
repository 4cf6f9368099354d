import { isIP } from 'node:net';
import { KubeConfigError } from './kube-error.ts';

/**
 * The proxy for requests to `server`, as client-go picks it: the cluster's `proxy-url` if set,
 * else $HTTPS_PROXY (for an https server) or $HTTP_PROXY, unless $NO_PROXY matches the host.
 * Only `http://` proxies are supported (the tunnel is an HTTP CONNECT); any other scheme is a
 * KubeConfigError rather than a silently direct connection.
 */
export function proxyForServer(
  server: string,
  proxyUrl: string | undefined,
  env: NodeJS.ProcessEnv,
  source: string,
): string | undefined {
  let chosen = proxyUrl;
  let origin = 'proxy-url';
  if (chosen === undefined || chosen === '') {
    const secure = !server.startsWith('http://');
    const name = secure ? ['HTTPS_PROXY', 'https_proxy'] : ['HTTP_PROXY', 'http_proxy'];
    origin = name.find((n) => env[n]) ?? '';
    chosen = origin ? env[origin] : undefined;
    if (!chosen || bypassesProxy(server, env.NO_PROXY ?? env.no_proxy ?? '')) return undefined;
    origin = `$${origin}`;
  }
  let url: URL;
  try {
    url = new URL(chosen.includes('://') ? chosen : `http://${chosen}`);
  } catch (error) {
    throw new KubeConfigError(source, `${origin} "${chosen}" is not a URL`, { cause: error });
  }
  if (url.protocol !== 'http:')
    throw new KubeConfigError(source, `${origin} "${chosen}": only http:// proxies are supported`);
  return url.href.replace(/\/+$/, '');
}

/** Whether $NO_PROXY lists the server's host: `*`, the host, a parent domain, or a CIDR. */
export function bypassesProxy(server: string, noProxy: string): boolean {
  const url = new URL(server);
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  for (const raw of noProxy.split(',')) {
    const entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return true;
    const [pattern, port] = splitHostPort(entry);
    if (port !== undefined && port !== (url.port || (url.protocol === 'http:' ? '80' : '443'))) continue;
    if (pattern.includes('/')) {
      if (inCidr(host, pattern)) return true;
      continue;
    }
    const domain = pattern.replace(/^\*?\./, '');
    if (host === domain || (isIP(host) === 0 && host.endsWith(`.${domain}`))) return true;
  }
  return false;
}

/** `host:port`, `[v6]:port`, a bare IPv6 address or a CIDR: the host pattern and the port, if any. */
function splitHostPort(entry: string): [string, string | undefined] {
  if (entry.startsWith('[')) {
    const end = entry.indexOf(']');
    const port = entry.slice(end + 1).replace(/^:/, '');
    return [entry.slice(1, end), port === '' ? undefined : port];
  }
  if (entry.includes('/') || isIP(entry) === 6) return [entry, undefined];
  const colon = entry.lastIndexOf(':');
  return colon < 0 ? [entry, undefined] : [entry.slice(0, colon), entry.slice(colon + 1)];
}

function inCidr(host: string, cidr: string): boolean {
  const [network = '', bitsText = ''] = cidr.split('/');
  const family = isIP(host);
  if (family === 0 || family !== isIP(network)) return false;
  const bits = Number(bitsText);
  const a = addressBytes(host);
  const b = addressBytes(network);
  if (!Number.isInteger(bits) || bits < 0 || bits > a.length * 8) return false;
  for (let i = 0; i < bits; i++) {
    const mask = 0x80 >> (i % 8);
    if (((a[i >> 3] ?? 0) & mask) !== ((b[i >> 3] ?? 0) & mask)) return false;
  }
  return true;
}

function addressBytes(address: string): number[] {
  if (isIP(address) === 4) return address.split('.').map(Number);
  const [head = '', tail = ''] = address.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const h = groups(head);
  const t = groups(tail);
  const all = address.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  return all.flatMap((g) => {
    const n = Number.parseInt(g, 16);
    return [n >> 8, n & 0xff];
  });
}
