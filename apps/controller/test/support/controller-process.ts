import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';

const mainPath = path.resolve(import.meta.dirname, '../../src/main.ts');
const builtMainPaths: Readonly<Record<string, string>> = {
  '1': path.resolve(import.meta.dirname, '../../bundle/main.js'),
  dist: path.resolve(import.meta.dirname, '../../dist/main.js'),
};

export type LogLine = { readonly msg?: string; readonly level?: string; readonly [key: string]: unknown };

/** The controller as a real child process (node --conditions=@baremetal-lb/source src/main.ts, or built). */
export class ControllerProcess {
  readonly child: ChildProcess;
  readonly name: string;
  readonly lines: LogLine[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly #port: number;
  #listeners: Array<() => void> = [];

  private constructor(name: string, port: number, args: readonly string[]) {
    this.name = name;
    this.#port = port;
    // BMLB_CONTROLLER_NODE_FLAGS: extra Node/V8 flags (memory experiments in the benchmark).
    const nodeFlags = (process.env.BMLB_CONTROLLER_NODE_FLAGS ?? '').split(' ').filter(Boolean);
    // BMLB_CONTROLLER_BUILT=1: run the built JavaScript as the image does (bundle/main.js, from
    // `npm run bundle`); =dist: the tsc output it is bundled from (dist/, workspace packages from
    // their dist/ too). Otherwise the TypeScript sources.
    const built = builtMainPaths[process.env.BMLB_CONTROLLER_BUILT ?? ''];
    const entry = built !== undefined ? [built] : ['--conditions=@baremetal-lb/source', mainPath];
    this.child = spawn(process.execPath, [...nodeFlags, ...entry, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const onLine = (text: string) => {
      try {
        this.lines.push(JSON.parse(text) as LogLine);
      } catch {
        this.lines.push({ msg: text, level: 'raw' });
      }
      for (const listener of this.#listeners) listener();
    };
    createInterface({ input: this.child.stdout! }).on('line', onLine);
    createInterface({ input: this.child.stderr! }).on('line', onLine);
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => resolve({ code, signal })),
    );
  }

  /** Starts the controller on a free metrics port (known up front: --log-level=warn hides the start line). */
  static async start(name: string, args: readonly string[]): Promise<ControllerProcess> {
    const port = await freePort();
    return new ControllerProcess(name, port, [
      '--metrics-host=127.0.0.1',
      `--metrics-port=${port}`,
      `--identity=${name}`,
      ...args,
    ]);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Resolves with the first log line matching `predicate` (past or future). */
  waitForLog(predicate: (line: LogLine) => boolean, timeoutMs = 30_000): Promise<LogLine> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.lines.find(predicate);
        if (!found) return false;
        cleanup();
        resolve(found);
        return true;
      };
      const timer = setTimeout(() => {
        cleanup();
        const tail = this.lines
          .slice(-10)
          .map((l) => JSON.stringify(l))
          .join('\n');
        reject(new Error(`${this.name}: no matching log line within ${timeoutMs} ms; last lines:\n${tail}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.#listeners = this.#listeners.filter((l) => l !== listener);
      };
      const listener = () => void check();
      this.#listeners.push(listener);
      check();
    });
  }

  async metricsPort(): Promise<number> {
    return this.#port;
  }

  async metric(name: string): Promise<number | undefined> {
    const text = await (await fetch(`http://127.0.0.1:${await this.metricsPort()}/metrics`)).text();
    const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
    return match ? Number(match[1]) : undefined;
  }

  async ready(): Promise<boolean> {
    try {
      return (await fetch(`http://127.0.0.1:${await this.metricsPort()}/readyz`)).status === 200;
    } catch {
      return false;
    }
  }

  kill(signal: NodeJS.Signals): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }

  async stop(): Promise<void> {
    this.kill('SIGTERM');
    const timer = setTimeout(() => this.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
