/**
 * One host of a lab: a network namespace with one Ethernet-like interface (`eth0`, a veth) and
 * its addresses. Runs commands inside the namespace (`ip netns exec`) and tracks what it spawned
 * so that the lab can stop it on destroy.
 */
import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { formatCidr, parseDocumentationCidr } from './documentation-address.ts';
import { LabDestroyedError } from './lab-error.ts';
import { type CommandResult, runCommand } from './run-command.ts';

export type LabHostAddresses = {
  /** IPv4 address with prefix, e.g. "203.0.113.11/24". */
  readonly ipv4Cidr: string;
  /** IPv6 global address with prefix, e.g. "2001:db8::11/64". */
  readonly ipv6Cidr: string;
};

export class LabHost {
  /** Label given at creation ("node0", "client"). */
  readonly name: string;
  /** Network namespace name, usable with `ip netns exec` and /run/netns/<name>. */
  readonly namespace: string;
  /** The host's interface inside its namespace. */
  readonly ifname: string;
  readonly ipv4Cidr: string;
  readonly ipv6Cidr: string;
  #mac = '';
  #ipv6LinkLocal = '';
  readonly #children = new Set<ChildProcess>();
  readonly #isDestroyed: () => boolean;

  constructor(
    fields: {
      name: string;
      namespace: string;
      ifname: string;
      isDestroyed: () => boolean;
    } & LabHostAddresses,
  ) {
    this.name = fields.name;
    this.namespace = fields.namespace;
    this.ifname = fields.ifname;
    this.ipv4Cidr = fields.ipv4Cidr;
    this.ipv6Cidr = fields.ipv6Cidr;
    this.#isDestroyed = fields.isDestroyed;
  }

  /** IPv4 address without prefix. */
  get ipv4(): string {
    return this.ipv4Cidr.split('/')[0]!;
  }

  /** IPv6 global address without prefix. */
  get ipv6(): string {
    return this.ipv6Cidr.split('/')[0]!;
  }

  /** MAC address of `ifname`, lower-case "aa:bb:cc:dd:ee:ff". */
  get mac(): string {
    return this.#mac;
  }

  /** fe80:: link-local address of `ifname` (without scope or prefix). */
  get ipv6LinkLocal(): string {
    return this.#ipv6LinkLocal;
  }

  /** Path of the namespace file, for setns(2) (e.g. packet-socket's `netns` option). */
  get namespacePath(): string {
    return `/run/netns/${this.namespace}`;
  }

  /** Reads MAC and link-local address from the kernel; waits up to `timeoutMs` for the latter. */
  async refresh(timeoutMs = 3000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { stdout } = await runCommand('ip', [
        '-n',
        this.namespace,
        '-j',
        'addr',
        'show',
        'dev',
        this.ifname,
      ]);
      const [link] = JSON.parse(stdout) as {
        address: string;
        addr_info: { family: string; local: string; scope: string; tentative?: boolean }[];
      }[];
      this.#mac = link?.address ?? '';
      const linkLocal = link?.addr_info.find(
        (a) => a.family === 'inet6' && a.scope === 'link' && !a.tentative,
      );
      if (linkLocal !== undefined) {
        this.#ipv6LinkLocal = linkLocal.local;
        return;
      }
      if (Date.now() > deadline) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Runs `command args` inside the namespace and resolves with its output (LabCommandError on failure). */
  exec(
    command: string,
    args: readonly string[] = [],
    options: { readonly timeoutMs?: number } = {},
  ): Promise<CommandResult> {
    this.#checkAlive();
    return runCommand('ip', ['netns', 'exec', this.namespace, command, ...args], options);
  }

  /**
   * Starts `command args` inside the namespace. The lab sends it SIGTERM (then SIGKILL) on destroy,
   * so tests need not track it; kill it earlier yourself if you like.
   */
  spawn(command: string, args: readonly string[] = [], options: SpawnOptions = {}): ChildProcess {
    this.#checkAlive();
    const child = spawn('ip', ['netns', 'exec', this.namespace, command, ...args], {
      stdio: 'pipe',
      ...options,
    });
    this.#children.add(child);
    child.once('exit', () => this.#children.delete(child));
    child.once('error', () => this.#children.delete(child));
    return child;
  }

  /** Adds another address (documentation ranges only) to `ifname`, without DAD for IPv6. */
  async addAddress(cidr: string): Promise<void> {
    this.#checkAlive();
    const parsed = parseDocumentationCidr(cidr);
    const extra = parsed.family === 6 ? ['nodad'] : [];
    await runCommand('ip', [
      '-n',
      this.namespace,
      'addr',
      'add',
      formatCidr(parsed),
      'dev',
      this.ifname,
      ...extra,
    ]);
  }

  /**
   * Makes a documentation prefix reachable on-link through `ifname` (no gateway), e.g. the
   * LoadBalancer addresses a client should ARP/NDP for directly.
   */
  async addOnLinkRoute(cidr: string): Promise<void> {
    this.#checkAlive();
    const parsed = parseDocumentationCidr(cidr);
    const family = parsed.family === 6 ? '-6' : '-4';
    await runCommand('ip', [
      '-n',
      this.namespace,
      family,
      'route',
      'add',
      formatCidr(parsed),
      'dev',
      this.ifname,
    ]);
  }

  /** Processes spawned here that are still running. */
  get children(): ReadonlySet<ChildProcess> {
    return this.#children;
  }

  /** Stops spawned processes: SIGTERM, then SIGKILL after `graceMs`. */
  async stopChildren(graceMs = 2000): Promise<void> {
    const running = [...this.#children].filter(
      (child) => child.exitCode === null && child.signalCode === null,
    );
    await Promise.all(
      running.map(
        (child) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
            child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            if (!child.kill('SIGTERM')) {
              clearTimeout(timer);
              resolve();
            }
          }),
      ),
    );
  }

  /** SIGKILLs spawned processes at once (exit and signal paths). */
  killChildrenSync(): void {
    for (const child of this.#children) child.kill('SIGKILL');
  }

  #checkAlive(): void {
    if (this.#isDestroyed()) throw new LabDestroyedError(this.namespace);
  }
}
