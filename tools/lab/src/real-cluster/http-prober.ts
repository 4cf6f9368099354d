/**
 * `node http-prober.ts URL INTERVAL_MS TIMEOUT_MS`: starts a GET of URL every INTERVAL_MS, each on
 * a new connection (no keep-alive, so every request goes through ARP, kube-proxy and a fresh
 * conntrack entry, as separate clients would), and prints one JSON line per request:
 * `{"atMs":…,"ok":true,"body":"web-…"}` or `{"atMs":…,"ok":false,"error":"…","localPort":…,"connectedMs":…}`
 * (its first error; the client's port, to find it in a capture, and how long the TCP handshake
 * took, absent if it never completed: a lost SYN or SYN-ACK rather than a lost answer).
 * Runs in the lab client's namespace until SIGTERM. Requests still open at SIGTERM are not reported.
 */
import { get } from 'node:http';

const [url = '', intervalText = '50', timeoutText = '1000'] = process.argv.slice(2);
const intervalMs = Number(intervalText);
const timeoutMs = Number(timeoutText);
const started = performance.now();

function probe(): void {
  const atMs = Math.round(performance.now() - started);
  let reported = false;
  let localPort: number | undefined;
  let connectedMs: number | undefined;
  // Once per request: a connection reset mid-response fails both the response ("aborted") and
  // the request ("read ECONNRESET"), which counted one lost request twice.
  const report = (fields: Record<string, unknown>) => {
    if (reported) return;
    reported = true;
    const where = fields.ok === true ? {} : { localPort, connectedMs };
    process.stdout.write(`${JSON.stringify({ atMs, ...fields, ...where })}\n`);
  };
  const request = get(url, { agent: false, timeout: timeoutMs }, (response) => {
    let body = '';
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      body += chunk;
    });
    response.on('end', () => {
      const ok = response.statusCode === 200;
      report(ok ? { ok, body: body.trim() } : { ok, error: `HTTP ${response.statusCode}` });
    });
    response.on('error', (error) => report({ ok: false, error: error.message }));
  });
  request.on('socket', (socket) =>
    socket.once('connect', () => {
      localPort = socket.localPort;
      connectedMs = Math.round(performance.now() - started - atMs);
    }),
  );
  request.on('timeout', () => {
    localPort ??= request.socket?.localPort; // bound at connect(), even while the SYN goes unanswered
    request.destroy(new Error(`no answer within ${timeoutMs} ms`));
  });
  request.on('error', (error) => report({ ok: false, error: error.message }));
}

const timer = setInterval(probe, intervalMs);
probe();
process.once('SIGTERM', () => {
  clearInterval(timer);
  process.exit(0);
});
