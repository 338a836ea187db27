// Exactly one process schedules recurring jobs: the holder of the "scheduler" lease in the
// ledger. It renews every third of the TTL; if it dies, another process takes the lease once it
// lapses (within one TTL plus one renewal period).
import type { Logger } from "../../logger.ts";
import type { Ledger } from "../../ledger/ledger.ts";
import type { Clock, TimerHandle } from "./clock.ts";
import type { RuntimeEvents } from "./events.ts";

export class LeaderLease {
  #leader = false;
  #timer: TimerHandle | null = null;
  #stopped = false;
  #token = 0;

  constructor(
    private readonly deps: { ledger: Ledger; clock: Clock; events: RuntimeEvents; logger: Logger },
    private readonly o: { name: string; owner: string; ttlMs: number; onChange: (leader: boolean) => void },
  ) {}

  get isLeader(): boolean {
    return this.#leader;
  }

  /** Fencing token of the current leadership (bumps at every change of owner). */
  get token(): number {
    return this.#token;
  }

  async start(): Promise<void> {
    await this.#beat();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) this.deps.clock.clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#leader) {
      await this.deps.ledger.releaseLease(this.o.name, this.o.owner).catch(() => undefined);
      this.#set(false);
    }
  }

  #beat = async () => {
    this.#timer = null;
    if (this.#stopped) return;
    try {
      const lease = await this.deps.ledger.acquireLease(this.o.name, this.o.owner, this.deps.clock.now(), this.o.ttlMs);
      if (this.#stopped) {
        // stop() ran while this renewal was in flight: give back what it may just have re-taken.
        if (lease.owner === this.o.owner) await this.deps.ledger.releaseLease(this.o.name, this.o.owner).catch(() => undefined);
        return;
      }
      this.#token = lease.token;
      this.#set(lease.owner === this.o.owner && lease.expiresAt > this.deps.clock.now());
    } catch (err) {
      // Cannot reach the ledger: we cannot know we still lead, so we stop leading.
      this.deps.logger.warn("Could not renew the scheduler lease", err);
      this.#set(false);
    }
    if (!this.#stopped) this.#timer = this.deps.clock.setTimeout(() => void this.#beat(), Math.max(50, Math.floor(this.o.ttlMs / 3)));
  };

  #set(leader: boolean) {
    if (leader === this.#leader) return;
    this.#leader = leader;
    this.deps.logger.info(leader ? `This server (${this.o.owner}) now schedules recurring jobs` : `This server (${this.o.owner}) no longer schedules recurring jobs`);
    this.deps.events.emit("leader:changed", { leader, serverId: this.o.owner });
    this.o.onChange(leader);
  }
}
