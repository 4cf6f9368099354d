/**
 * The client's transport: HTTP/2 to a real kube-apiserver (one connection for every watch and
 * request, as client-go), and HTTP/1.1 against TLS servers that refuse h2.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http2 from 'node:http2';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { injectEnvtest } from '@baremetal-lb/envtest/vitest';
import {
  HttpKubeClient,
  type KubeConnection,
  type KubeObject,
  loadKubeConfig,
  startInformer,
  systemClock,
} from '@baremetal-lb/kube';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlackHoleProxy } from './support/black-hole-proxy.ts';
import { TestApi, waitFor } from './support/test-api.ts';

const envtest = injectEnvtest();

describe.skipIf(!envtest)('HTTP/2 to a real kube-apiserver', () => {
  let api: TestApi;
  let admin: KubeConnection;
  beforeAll(async () => {
    api = await TestApi.open(envtest!);
    admin = loadKubeConfig(envtest!.kubeconfigPath, {});
  });
  afterAll(async () => api?.close());

  it('carries 12 watches and a burst of 40 requests over one TCP connection', async () => {
    const namespace = await api.namespace('h2');
    // The proxy only forwards and counts TCP connections.
    const proxy = await BlackHoleProxy.inFrontOf(api.server);
    const client = new HttpKubeClient(proxy.route(admin));
    const seen = new Set<string>();
    const informers = Array.from({ length: 12 }, (_, i) =>
      startInformer<KubeObject>({
        client,
        path: `/api/v1/namespaces/${namespace}/configmaps`,
        clock: systemClock,
        listWatch: { selectors: { labelSelector: `watch=w${i}` } },
        handlers: { change: (o) => seen.add(`${i}/${o.metadata.name}`), remove: () => {} },
      }),
    );
    try {
      await Promise.all(informers.map((informer) => informer.synced));
      await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          client.request('POST', `/api/v1/namespaces/${namespace}/configmaps`, {
            body: { metadata: { name: `cm-${i}`, labels: { watch: `w${i % 12}` } } },
          }),
        ),
      );
      await waitFor('every watch saw its configmaps', () => seen.size === 40);
      expect(proxy.connections).toBe(1);
    } finally {
      await Promise.all(informers.map((informer) => informer.stop()));
      await client.close();
      await proxy.close();
    }
  });
});

describe('the transport against local TLS servers (h2 limits, HTTP/1.1 fallback)', () => {
  let dir: string;
  let cert: string;
  let key: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'bmlb-kube-h1-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        ...['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'],
        ...['-days', '1', '-subj', '/CN=bmlb-h1', '-addext', 'subjectAltName=IP:127.0.0.1'],
        ...['-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')],
      ],
      { stdio: 'pipe' },
    );
    cert = readFileSync(path.join(dir, 'cert.pem'), 'utf8');
    key = readFileSync(path.join(dir, 'key.pem'), 'utf8');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const connect = (port: number) =>
    new HttpKubeClient({
      server: `https://127.0.0.1:${port}`,
      credentials: async () => ({ headers: {}, tls: { ca: cert } }),
    });

  it("keeps within a new connection's stream limit: 60 requests at once to a server allowing 5", async () => {
    let active = 0;
    let peak = 0;
    const server = http2.createSecureServer(
      { key, cert, settings: { maxConcurrentStreams: 5 } },
      (_request, response) => {
        peak = Math.max(peak, ++active);
        setTimeout(() => {
          active--;
          response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        }, 10);
      },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = connect((server.address() as AddressInfo).port);
    try {
      const answers = await Promise.all(Array.from({ length: 60 }, () => client.request('GET', '/version')));
      expect(answers).toHaveLength(60);
      expect(peak).toBe(5);
    } finally {
      await client.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('falls back when the server answers the h2 offer with a no_application_protocol alert', async () => {
    // node:https offers only http/1.1 in ALPN and refuses h2.
    const versions: string[] = [];
    const server = https.createServer({ key, cert }, (request, response) => {
      versions.push(request.httpVersion);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"gitVersion":"v1"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = connect((server.address() as AddressInfo).port);
    try {
      expect(await client.request('GET', '/version')).toEqual({ gitVersion: 'v1' });
      expect(await client.request('GET', '/version')).toEqual({ gitVersion: 'v1' });
      expect(versions).toEqual(['1.1', '1.1']);
    } finally {
      await client.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('falls back when the server ignores ALPN and speaks HTTP/1.1', async () => {
    const requests: string[] = [];
    const server = tls.createServer({ key, cert }, (socket) => {
      socket.on('data', (data) => {
        const head = data.toString('latin1');
        // The h2 preface is not HTTP/1.1: close, as an HTTP/1.1-only server would.
        if (head.startsWith('PRI * HTTP/2.0')) return void socket.destroy();
        requests.push(head.split('\r\n')[0]!);
        socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}');
      });
      socket.on('error', () => {});
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = connect((server.address() as AddressInfo).port);
    try {
      expect(await client.request('GET', '/version')).toEqual({});
      expect(requests).toEqual(['GET /version HTTP/1.1']);
    } finally {
      await client.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
