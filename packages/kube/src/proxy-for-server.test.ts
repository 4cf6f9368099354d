import { describe, expect, it } from 'vitest';
import { KubeConfigError } from './kube-error.ts';
import { bypassesProxy, proxyForServer } from './proxy-for-server.ts';

describe('proxyForServer', () => {
  it('prefers the kubeconfig proxy-url, then $HTTPS_PROXY for https and $HTTP_PROXY for http', () => {
    const env = { HTTPS_PROXY: 'http://198.51.100.1:3128', http_proxy: '198.51.100.2:8080' };
    expect(proxyForServer('https://203.0.113.1:6443', 'http://198.51.100.9:3128/', env, 's')).toBe(
      'http://198.51.100.9:3128',
    );
    expect(proxyForServer('https://203.0.113.1:6443', undefined, env, 's')).toBe('http://198.51.100.1:3128');
    expect(proxyForServer('http://203.0.113.1:8080', undefined, env, 's')).toBe('http://198.51.100.2:8080');
    expect(proxyForServer('https://203.0.113.1', undefined, {}, 's')).toBeUndefined();
  });

  it('leaves out hosts $NO_PROXY names, never the kubeconfig proxy-url', () => {
    const env = { HTTPS_PROXY: 'http://198.51.100.1:3128', NO_PROXY: 'api.example' };
    expect(proxyForServer('https://api.example:6443', undefined, env, 's')).toBeUndefined();
    expect(proxyForServer('https://api.example:6443', 'http://198.51.100.9:1', env, 's')).toBe(
      'http://198.51.100.9:1',
    );
  });

  it.each([
    ['socks5://198.51.100.1:1080', 'only http:// proxies'],
    ['https://198.51.100.1:3128', 'only http:// proxies'],
    ['http://[::1', 'is not a URL'],
  ])('rejects proxy %s with a KubeConfigError', (proxy, message) => {
    const pick = () => proxyForServer('https://203.0.113.1', proxy, {}, 's');
    expect(pick).toThrow(KubeConfigError);
    expect(pick).toThrow(message);
  });
});

describe('bypassesProxy', () => {
  it.each([
    ['https://api.example:6443', '*', true],
    ['https://api.example:6443', 'other.example, api.example', true],
    ['https://k.api.example', '.api.example', true],
    ['https://k.api.example', 'api.example', true],
    ['https://notapi.example', 'api.example', false],
    ['https://api.example:6443', 'api.example:443', false],
    ['https://api.example:6443', 'api.example:6443', true],
    ['https://203.0.113.7:6443', '203.0.113.0/24', true],
    ['https://203.0.114.7:6443', '203.0.113.0/24', false],
    ['https://[2001:db8::5]:6443', '2001:db8::/32', true],
    ['https://[2001:db9::5]:6443', '2001:db8::/32', false],
    ['https://[2001:db8::5]:6443', '[2001:db8::5]', true],
    ['https://203.0.113.7', '', false],
  ])('%s with NO_PROXY=%s: %s', (server, noProxy, expected) => {
    expect(bypassesProxy(server, noProxy)).toBe(expected);
  });
});
