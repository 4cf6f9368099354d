import type { MemberEvent } from '../membership/member.ts';
import { Membership } from '../membership/membership.ts';
import type { MembershipConfig } from '../membership/membership-config.ts';
import { FakeClock } from './fake-clock.ts';
import { MemoryNetwork } from './memory-network.ts';
import { seededRandom } from './seeded-random.ts';

export type SimulatedClusterOptions = {
  readonly size: number;
  /** Seed for every random choice (network and members); same seed, same run. */
  readonly seed?: number;
  readonly loss?: number;
  readonly config?: Partial<MembershipConfig>;
  readonly secrets?: readonly string[];
};

/** One simulated member: its Membership, and every event it emitted. */
export type SimulatedMember = {
  readonly name: string;
  readonly address: string;
  membership: Membership;
  readonly events: MemberEvent[];
};

/**
 * N members on one MemoryNetwork driven by one FakeClock: the harness for membership tests and the
 * detection benchmark. Members are named "node-000"…, at addresses "192.0.2.<i>:7946"-style strings.
 */
export class SimulatedCluster {
  readonly clock = new FakeClock();
  readonly network: MemoryNetwork;
  readonly members: SimulatedMember[] = [];
  readonly #random: () => number;
  readonly #options: SimulatedClusterOptions;

  constructor(options: SimulatedClusterOptions) {
    this.#options = options;
    this.#random = seededRandom(options.seed ?? 1);
    this.network = new MemoryNetwork({ clock: this.clock, random: this.#random, loss: options.loss ?? 0 });
    for (let i = 0; i < options.size; i++) {
      const name = `node-${String(i).padStart(3, '0')}`;
      const address = addressOf(i);
      const member: SimulatedMember = {
        name,
        address,
        membership: undefined as unknown as Membership,
        events: [],
      };
      member.membership = this.#create(member);
      this.members.push(member);
    }
  }

  /** Seeds: the first three members, as a real deployment would list a few stable nodes. */
  get seeds(): string[] {
    return Array.from({ length: Math.min(3, this.#options.size) }, (_, i) => addressOf(i));
  }

  /** Start every member, then run until each sees all others alive (or `limitMs` passes). */
  startAll(limitMs = 10_000): number | undefined {
    for (const m of this.members) m.membership.start();
    return this.clock.advanceUntil(() => this.converged(), limitMs, 10);
  }

  /** True when every running member sees exactly the running members as alive. */
  converged(running: readonly SimulatedMember[] = this.members.filter((m) => this.isRunning(m))): boolean {
    const want = running.map((m) => m.name).sort();
    return running.every((m) => {
      const alive = m.membership.snapshot().members.filter((x) => x.state === 'alive');
      return alive.length === want.length && alive.every((x, i) => x.name === want[i]);
    });
  }

  isRunning(m: SimulatedMember): boolean {
    return !this.#stopped.has(m);
  }

  /** Stop a member without a leave: a hard kill (power loss, kernel panic). */
  kill(m: SimulatedMember): void {
    this.#stopped.add(m);
    void m.membership.stop();
  }

  /** Start a fresh process for a killed member: same name and address, empty state. */
  restart(m: SimulatedMember): void {
    this.#stopped.delete(m);
    m.membership = this.#create(m);
    m.membership.start();
  }

  readonly #stopped = new Set<SimulatedMember>();

  #create(member: SimulatedMember): Membership {
    const membership = new Membership({
      name: member.name,
      transport: this.network.createTransport(member.address),
      secrets: this.#options.secrets ?? ['simulated cluster shared secret'],
      seeds: Array.from({ length: Math.min(3, this.#options.size) }, (_, i) => addressOf(i)),
      clock: this.clock,
      random: this.#random,
      ...(this.#options.config === undefined ? {} : { config: this.#options.config }),
    });
    membership.subscribe((e) => member.events.push(e));
    return membership;
  }
}

function addressOf(i: number): string {
  return `sim-${i}:7946`;
}
