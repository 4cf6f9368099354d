/**
 * One "pod" of the quick-start app: an HTTP server answering `/` and `/hostname` with the pod
 * name, as the MetalLB quick start's demo app does. The lab runs one per pod inside a node's
 * network namespace: `node pod-server.ts <pod-name> <ip> <port>`. Prints "listening" when ready.
 */
import { createServer } from 'node:http';

const [name, host, portText] = process.argv.slice(2);
const port = Number(portText);
if (name === undefined || host === undefined || !Number.isInteger(port)) {
  process.stderr.write('usage: pod-server.ts <pod-name> <ip> <port>\n');
  process.exit(2);
}

const server = createServer((request, response) => {
  if (request.url === '/' || request.url === '/hostname') {
    response.writeHead(200, { 'content-type': 'text/plain' }).end(`${name}\n`);
  } else {
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  }
});
server.listen(port, host, () => process.stdout.write(`listening ${host}:${port}\n`));
for (const signal of ['SIGTERM', 'SIGINT'] as const)
  process.once(signal, () => server.close(() => process.exit(0)));
