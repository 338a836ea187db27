// The dashboard's live feed: the runtime's event stream, coalesced, as server-sent events.
//
// Events are not forwarded one by one (a busy server finishes thousands of jobs a second); they
// are gathered and flushed every FLUSH_MS as at most one message of each kind:
//   jobs      {"ids":[…],"more":bool}  jobs changed state (created, started, finished, requeued…)
//   progress  {"ids":[…]}              jobs reported progress or wrote log lines
//   recurring {"ids":[…]}              recurring jobs fired on schedule
//   tick      {"at":ms}                every second: the realtime graph and heartbeats refresh
// The browser (assets/dashboard.js) turns each into DOM events (cj:jobs, cj:job-42, cj:rec-x,
// cj:tick) and htmx elements that listen for them fetch their fresh HTML. No HTML and no job data
// travels over this stream: only ids, so nothing here needs escaping.
//
// Listening to the runtime and the timer run only while at least one browser is connected.
import type { Clock, TimerHandle } from "../actors/runtime/clock.ts";
import type { RuntimeEvents } from "../actors/runtime/events.ts";

export interface LiveMessage {
  event: "jobs" | "progress" | "recurring" | "tick";
  data: string;
}

type Client = (msg: LiveMessage) => void;

const FLUSH_MS = 250;
const TICK_MS = 1000;
/** More ids than this in one flush: send "more" instead (pages then refresh what they show). */
const MAX_IDS = 200;

export class LiveFeed {
  #events: RuntimeEvents;
  #clock: Clock;
  #clients = new Set<Client>();
  #off: (() => void)[] = [];
  #timer: TimerHandle | null = null;
  #lastTick = 0;
  #jobs = new Set<string>();
  #jobsMore = false;
  #progress = new Set<string>();
  #recurring = new Set<string>();

  constructor(events: RuntimeEvents, clock: Clock) {
    this.#events = events;
    this.#clock = clock;
  }

  get clientCount(): number {
    return this.#clients.size;
  }

  /** Adds a browser; returns how to remove it. The first message is a tick. */
  subscribe(client: Client): () => void {
    this.#clients.add(client);
    if (this.#clients.size === 1) this.#start();
    client({ event: "tick", data: JSON.stringify({ at: this.#clock.now() }) });
    return () => {
      if (this.#clients.delete(client) && this.#clients.size === 0) this.#stop();
    };
  }

  #start() {
    const e = this.#events;
    const job = (p: { jobId: string }) => this.#addJob(p.jobId);
    this.#off = [
      e.on("job:created", job),
      e.on("job:processing", job),
      e.on("job:succeeded", job),
      e.on("job:failed", job),
      e.on("job:requeued", job),
      e.on("job:deleted", job),
      e.on("job:progress", (p) => this.#progress.add(p.jobId)),
      e.on("job:log", (p) => this.#progress.add(p.jobId)),
      e.on("recurring:fired", (p) => {
        this.#recurring.add(p.recurringId);
        for (const id of p.jobIds) this.#addJob(id);
      }),
      e.on("scheduled:promoted", () => (this.#jobsMore = true)),
      e.on("lease:recovered", (p) => p.jobIds.forEach((id) => this.#addJob(id))),
    ];
    this.#lastTick = this.#clock.now();
    this.#schedule();
  }

  #stop() {
    for (const off of this.#off) off();
    this.#off = [];
    if (this.#timer) this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
    this.#jobs.clear();
    this.#progress.clear();
    this.#recurring.clear();
    this.#jobsMore = false;
  }

  #addJob(id: string) {
    if (this.#jobs.size < MAX_IDS) this.#jobs.add(id);
    else this.#jobsMore = true;
  }

  #schedule() {
    this.#timer = this.#clock.setTimeout(() => {
      this.#flush();
      if (this.#clients.size) this.#schedule();
    }, FLUSH_MS);
  }

  #flush() {
    const out: LiveMessage[] = [];
    if (this.#jobs.size || this.#jobsMore) {
      out.push({ event: "jobs", data: JSON.stringify({ ids: [...this.#jobs], more: this.#jobsMore }) });
      // A job that changed state re-renders anyway: no need to also report its progress.
      for (const id of this.#jobs) this.#progress.delete(id);
      this.#jobs.clear();
      this.#jobsMore = false;
    }
    if (this.#progress.size) {
      out.push({ event: "progress", data: JSON.stringify({ ids: [...this.#progress].slice(0, MAX_IDS) }) });
      this.#progress.clear();
    }
    if (this.#recurring.size) {
      out.push({ event: "recurring", data: JSON.stringify({ ids: [...this.#recurring] }) });
      this.#recurring.clear();
    }
    const now = this.#clock.now();
    if (now - this.#lastTick >= TICK_MS - FLUSH_MS / 2) {
      this.#lastTick = now;
      out.push({ event: "tick", data: JSON.stringify({ at: now }) });
    }
    if (!out.length) return;
    for (const client of this.#clients) {
      for (const m of out) {
        try {
          client(m);
        } catch {
          // A client that can't take a message is dropped when its stream aborts.
        }
      }
    }
  }
}
