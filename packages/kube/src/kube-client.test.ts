import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { toJson } from './api-response.ts';
import { HttpKubeClient } from './kube-client.ts';
import { KubeApiError } from './kube-error.ts';
import { retryAfterMs } from './retry-after.ts';

describe('toJson', () => {
  it('writes bigints as exact JSON integers', () => {
    expect(toJson({ a: 9223372036854775807n, b: 'x', c: [1n, 2] })).toBe(
      '{"a":9223372036854775807,"b":"x","c":[1,2]}',
    );
  });
});

describe('HttpKubeClient', () => {
  async function serve(
    handler: http.RequestListener,
  ): Promise<{ client: HttpKubeClient; close: () => Promise<void> }> {
    const server = http.createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const client = new HttpKubeClient({
      server: `http://127.0.0.1:${port}`,
      credentials: async () => ({ headers: { authorization: 'Bearer t' }, tls: {} }),
    });
    return {
      client,
      close: async () => {
        await client.close();
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      },
    };
  }

  it('keeps at most 4 idle connections after a burst of requests', async () => {
    let open = 0;
    let peak = 0;
    const server = http.createServer((_request, response) => {
      // Slow enough that the burst needs a connection per request.
      setTimeout(() => response.writeHead(200, { 'content-type': 'application/json' }).end('{}'), 30);
    });
    server.on('connection', (socket) => {
      peak = Math.max(peak, ++open);
      socket.once('close', () => open--);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = new HttpKubeClient({
      server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      credentials: async () => ({ headers: {}, tls: {} }),
    });
    try {
      await Promise.all(Array.from({ length: 20 }, () => client.request('GET', '/api/v1/things')));
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(peak).toBe(20);
      expect(open).toBe(4);
    } finally {
      await client.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('splits a watch stream into events across chunk boundaries', async () => {
    const { client, close } = await serve((request, response) => {
      expect(request.url).toBe('/api/v1/things?resourceVersion=7&watch=true');
      expect(request.headers.authorization).toBe('Bearer t');
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"type":"ADDED","object":{"a":1}}\n{"type":"MOD');
      setTimeout(() => response.end('IFIED","object":{"a":2}}\n\n{"type":"DELETED","object":{}}'), 20);
    });
    const events: unknown[] = [];
    let opened = false;
    await client.watch(
      '/api/v1/things',
      { resourceVersion: '7' },
      (e) => events.push(e),
      undefined,
      () => {
        opened = true;
      },
    );
    expect(opened).toBe(true);
    expect(events).toEqual([
      { type: 'ADDED', object: { a: 1 } },
      { type: 'MODIFIED', object: { a: 2 } },
      { type: 'DELETED', object: {} },
    ]);
    await close();
  });

  it('turns an error status into a KubeApiError with the Status reason', async () => {
    const { client, close } = await serve((_request, response) => {
      response.writeHead(410, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({ kind: 'Status', reason: 'Expired', message: 'too old resource version' }),
      );
    });
    const watching = client.watch('/x', {}, () => {});
    await expect(watching).rejects.toMatchObject({ status: 410, reason: 'Expired' });
    await expect(client.request('PATCH', '/y', { body: { a: 1n } })).rejects.toBeInstanceOf(KubeApiError);
    await close();
  });

  it('sends JSON bodies and parses JSON answers', async () => {
    const { client, close } = await serve((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ method: request.method, type: request.headers['content-type'], body }));
      });
    });
    expect(
      await client.request('PATCH', '/z', { body: { n: 1 }, contentType: 'application/merge-patch+json' }),
    ).toEqual({ method: 'PATCH', type: 'application/merge-patch+json', body: '{"n":1}' });
    await close();
  });

  it('asks for JSON unless told otherwise (kubectl tables)', async () => {
    const { client, close } = await serve((request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ accept: request.headers.accept }));
    });
    expect(await client.request('GET', '/a')).toEqual({ accept: 'application/json' });
    const table = 'application/json;as=Table;v=v1;g=meta.k8s.io';
    expect(await client.request('GET', '/a', { accept: table })).toEqual({ accept: table });
    await close();
  });

  it('returns a plain-text answer (/readyz) as its text', async () => {
    const { client, close } = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      response.end('ok');
    });
    expect(await client.request('GET', '/readyz')).toBe('ok');
    await close();
  });
});

describe('retryAfterMs', () => {
  it('reads seconds, defaults to 1 s and caps at 60 s', () => {
    expect(retryAfterMs('3')).toBe(3_000);
    expect(retryAfterMs('0')).toBe(0);
    expect(retryAfterMs(undefined)).toBe(1_000);
    expect(retryAfterMs('')).toBe(1_000);
    expect(retryAfterMs('Wed, 21 Oct 2015 07:28:00 GMT')).toBe(1_000);
    expect(retryAfterMs('-5')).toBe(1_000);
    expect(retryAfterMs('86400')).toBe(60_000);
  });
});
