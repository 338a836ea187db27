// The Supervisor on virtual time with fake actor instances (no threads): restarts with backoff, the
// restart-intensity stop, stop() from every state, and start() failures counted as crashes.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { type ActorState, RuntimeEvents } from "../../../src/actors/runtime/events.ts";
import type { RestartPolicy } from "../../../src/actors/runtime/restart-policy.ts";
import { type ActorInstance, type ActorSpec, type ExitInfo, Supervisor } from "../../../src/actors/runtime/supervisor.ts";
import { VirtualClock } from "../../../src/actors/runtime/virtual-clock.ts";
import { toErrorInfo } from "../../../src/errors.ts";
import { createLogger, memorySink } from "../../../src/logger.ts";

const POLICY: RestartPolicy = { initialDelayMs: 100, maxDelayMs: 1000, maxRestarts: 3, windowMs: 10_000 };

/** A stand-in for a worker thread: crashes, exits and stops when the test says so. */
class FakeInstance implements ActorInstance {
  exited: Promise<ExitInfo>;
  stopCalls = 0;
  #exit!: (info: ExitInfo) => void;
  constructor(private readonly log: string[] = []) {
    this.exited = new Promise((r) => (this.#exit = r));
  }
  crash(message = "boom") {
    this.#exit({ code: 1, error: toErrorInfo(new Error(message)) });
  }
  exit(code: number) {
    this.#exit({ code, error: null });
  }
  async stop() {
    this.stopCalls++;
    this.log.push("instance stopped");
    this.#exit({ code: 0, error: null });
  }
}

interface Ctx {
  clock: VirtualClock;
  events: RuntimeEvents;
  logs: ReturnType<typeof memorySink>;
  sup: Supervisor;
  states: { actorId: string; state: ActorState; restarts: number; error: string | null; at: number }[];
  instances: FakeInstance[];
  exits: { info: ExitInfo; expected: boolean }[];
  /** A spec whose start() makes a FakeInstance (or runs `start` when given). */
  spec(over?: Partial<ActorSpec>): ActorSpec;
}

const test = suite<Ctx>("supervisor");

test.before.each((ctx) => {
  ctx.clock = new VirtualClock(0);
  ctx.events = new RuntimeEvents();
  ctx.logs = memorySink();
  ctx.sup = new Supervisor({ clock: ctx.clock, events: ctx.events, logger: createLogger({ category: "sup-test", sink: ctx.logs, level: "debug" }) });
  ctx.states = [];
  ctx.instances = [];
  ctx.exits = [];
  ctx.events.on("actor:state", (e) => ctx.states.push({ ...e, at: ctx.clock.now() }));
  ctx.spec = (over = {}) => ({
    id: "elasticsearch-sync",
    kind: "service",
    restartPolicy: POLICY,
    start: () => {
      const i = new FakeInstance();
      ctx.instances.push(i);
      return i;
    },
    onExit: (info, expected) => void ctx.exits.push({ info, expected }),
    ...over,
  });
});

test.after.each(async (ctx) => {
  await ctx.sup.stopAll();
  await ctx.clock.advance(0);
  assert.is(ctx.clock.pendingTimers, 0, "no restart timer left armed");
});

const status = (ctx: Ctx, id = "elasticsearch-sync") => ctx.sup.status().find((s) => s.id === id)!;
const flow = (ctx: Ctx) => ctx.states.map((s) => `${s.state}:${s.restarts}`);

test("a supervised actor starts and reports running", async (ctx) => {
  ctx.sup.supervise(ctx.spec());
  await ctx.clock.advance(0);
  assert.equal(flow(ctx), ["starting:0", "running:0"]);
  assert.equal(ctx.sup.status(), [
    { id: "elasticsearch-sync", kind: "service", state: "running", restarts: 0, startedAt: 0, lastError: null, nextRestartAt: null },
  ]);
});

test("a crashing actor is restarted after the backoff, with restarts counted and actor:state events", async (ctx) => {
  ctx.sup.supervise(ctx.spec());
  await ctx.clock.advance(1000);
  ctx.instances[0].crash("index not found");
  await ctx.clock.advance(0);
  let s = status(ctx);
  assert.is(s.state, "restarting");
  assert.is(s.restarts, 1);
  assert.is(s.lastError, "Error: index not found");
  assert.is(s.nextRestartAt, 1100);
  assert.equal(ctx.exits, [{ info: { code: 1, error: ctx.exits[0].info.error }, expected: false }], "onExit hears of the crash first");
  await ctx.clock.advance(99);
  assert.is(ctx.instances.length, 1, "not before the backoff");
  await ctx.clock.advance(1);
  assert.is(ctx.instances.length, 2);
  s = status(ctx);
  assert.is(s.state, "running");
  assert.is(s.startedAt, 1100);
  assert.is(s.nextRestartAt, null);
  assert.is(s.lastError, "Error: index not found", "the last error stays visible");

  ctx.instances[1].crash("again");
  await ctx.clock.advance(199);
  assert.is(ctx.instances.length, 2, "the second restart waits twice as long");
  await ctx.clock.advance(1);
  assert.is(ctx.instances.length, 3);
  assert.equal(flow(ctx), ["starting:0", "running:0", "restarting:1", "starting:1", "running:1", "restarting:2", "starting:2", "running:2"]);
  const restarting = ctx.states.filter((e) => e.state === "restarting");
  assert.equal(
    restarting.map((e) => [e.actorId, e.error, e.at]),
    [
      ["elasticsearch-sync", "Error: index not found", 1000],
      ["elasticsearch-sync", "Error: again", 1100],
    ],
  );
});

test("an actor that exits on its own with no error is restarted too", async (ctx) => {
  ctx.sup.supervise(ctx.spec());
  await ctx.clock.advance(0);
  ctx.instances[0].exit(1);
  await ctx.clock.advance(0);
  assert.is(status(ctx).lastError, "exited with code 1");
  await ctx.clock.advance(100);
  assert.is(status(ctx).state, "running");
});

test("beyond the restart intensity the actor stops with its last error", async (ctx) => {
  ctx.sup.supervise(ctx.spec());
  await ctx.clock.advance(0);
  for (let i = 0; i < 3; i++) {
    ctx.instances[i].crash(`crash ${i + 1}`);
    await ctx.clock.advance(1000);
    assert.is(status(ctx).state, "running", `restart ${i + 1} of 3`);
  }
  ctx.instances[3].crash("crash 4");
  await ctx.clock.advance(0);
  const crashedAt = ctx.clock.now();
  const s = status(ctx);
  assert.is(s.state, "stopped");
  assert.is(s.lastError, "Error: crash 4");
  assert.is(s.restarts, 3);
  assert.is(ctx.clock.pendingTimers, 0, "no restart is scheduled");
  await ctx.clock.advance(60_000);
  assert.is(ctx.instances.length, 4, "and none happens");
  assert.equal(ctx.states.at(-1), { actorId: "elasticsearch-sync", state: "stopped", restarts: 3, error: "Error: crash 4", at: crashedAt });
  assert.ok(
    ctx.logs.records.some((r) => r.level === "error" && /crashed 4 times within 10 s \(limit 3\)/.test(r.message)),
    "the stop is logged with the reason",
  );
});

test("crashes spread wider than the window keep restarting", async (ctx) => {
  ctx.sup.supervise(ctx.spec());
  await ctx.clock.advance(0);
  for (let i = 0; i < 8; i++) {
    ctx.instances[i].crash();
    await ctx.clock.advance(6_000); // two crashes per 10 s window at most
  }
  assert.is(status(ctx).state, "running");
  assert.is(status(ctx).restarts, 8);
});

test("stop() while restarting goes straight to stopped and cancels the restart", async (ctx) => {
  ctx.sup.supervise(ctx.spec());
  await ctx.clock.advance(0);
  ctx.instances[0].crash();
  await ctx.clock.advance(0);
  assert.is(status(ctx).state, "restarting");
  await ctx.sup.stop("elasticsearch-sync");
  assert.is(status(ctx).state, "stopped");
  assert.is(ctx.clock.pendingTimers, 0);
  await ctx.clock.advance(10_000);
  assert.is(ctx.instances.length, 1, "no restart after stop");
  assert.equal(flow(ctx), ["starting:0", "running:0", "restarting:1", "stopped:1"]);
});

test("stop() on a running actor stops its instance and waits for it to exit", async (ctx) => {
  ctx.sup.supervise(ctx.spec());
  await ctx.clock.advance(0);
  await ctx.sup.stop("elasticsearch-sync");
  assert.is(ctx.instances[0].stopCalls, 1);
  assert.is(status(ctx).state, "stopped");
  assert.is(status(ctx).lastError, null, "a requested stop is not an error");
  assert.equal(flow(ctx), ["starting:0", "running:0", "stopping:0", "stopped:0"]);
  assert.equal(ctx.exits, [{ info: { code: 0, error: null }, expected: true }]);
  await ctx.clock.advance(10_000);
  assert.is(ctx.instances.length, 1, "a stopped actor is not restarted");
  await ctx.sup.stop("elasticsearch-sync"); // twice is harmless
  await ctx.sup.stop("no-such-actor");
});

test("an actor that crashes while being stopped ends stopped, not restarting", async (ctx) => {
  let instance!: FakeInstance;
  ctx.sup.supervise(
    ctx.spec({
      start: () => {
        instance = new FakeInstance();
        instance.stop = async () => instance.crash("died on the way out");
        return instance;
      },
    }),
  );
  await ctx.clock.advance(0);
  await ctx.sup.stop("elasticsearch-sync");
  await ctx.clock.advance(1000);
  assert.is(status(ctx).state, "stopped");
  assert.is(status(ctx).restarts, 0);
  assert.equal(ctx.exits.map((e) => e.expected), [true]);
});

test("an actor whose start() throws counts as a crash and is retried after the backoff", async (ctx) => {
  let calls = 0;
  ctx.sup.supervise(
    ctx.spec({
      start: () => {
        calls++;
        if (calls === 1) throw new TypeError("ELASTICSEARCH_URL is not a URL");
        const i = new FakeInstance();
        ctx.instances.push(i);
        return i;
      },
    }),
  );
  await ctx.clock.advance(0);
  let s = status(ctx);
  assert.is(s.state, "restarting");
  assert.is(s.restarts, 1);
  assert.is(s.lastError, "TypeError: ELASTICSEARCH_URL is not a URL");
  await ctx.clock.advance(100);
  s = status(ctx);
  assert.is(s.state, "running");
  assert.is(calls, 2);
  assert.equal(flow(ctx), ["starting:0", "restarting:1", "starting:1", "running:1"]);
});

test("an async start() that rejects counts as a crash, and keeps counting toward the limit", async (ctx) => {
  let calls = 0;
  ctx.sup.supervise(
    ctx.spec({
      start: async () => {
        calls++;
        throw new Error("cannot connect");
      },
    }),
  );
  await ctx.clock.advance(10_000);
  assert.is(calls, 4, "the first start and three restarts");
  assert.is(status(ctx).state, "stopped");
  assert.is(status(ctx).lastError, "Error: cannot connect");
});

test("stop() while the actor is still starting returns only once its instance is stopped", async (ctx) => {
  const order: string[] = [];
  let resolveStart!: (i: ActorInstance) => void;
  ctx.sup.supervise(ctx.spec({ start: () => new Promise<ActorInstance>((r) => (resolveStart = r)) }));
  await ctx.clock.advance(0);
  assert.is(status(ctx).state, "starting");
  const stopping = ctx.sup.stop("elasticsearch-sync").then(() => order.push("stop() resolved"));
  await ctx.clock.advance(0);
  const instance = new FakeInstance(order);
  resolveStart(instance);
  await stopping;
  assert.equal(order, ["instance stopped", "stop() resolved"]);
  assert.is(instance.stopCalls, 1);
  assert.is(status(ctx).state, "stopped");
  assert.equal(ctx.exits.map((e) => e.expected), [true]);
});

test("a start() that fails after stop() was asked ends stopped, with no restart", async (ctx) => {
  let rejectStart!: (err: Error) => void;
  ctx.sup.supervise(ctx.spec({ start: () => new Promise<ActorInstance>((_, r) => (rejectStart = r)) }));
  await ctx.clock.advance(0);
  const stopping = ctx.sup.stop("elasticsearch-sync");
  rejectStart(new Error("could not load the module"));
  await stopping;
  await ctx.clock.advance(10_000);
  assert.is(status(ctx).state, "stopped");
  assert.is(status(ctx).restarts, 0);
  assert.is(ctx.states.filter((e) => e.state === "starting").length, 1, "never started again");
});

test("stopAll stops every actor, whatever its state", async (ctx) => {
  ctx.sup.supervise(ctx.spec({ id: "a" }));
  ctx.sup.supervise(ctx.spec({ id: "b" }));
  ctx.sup.supervise(ctx.spec({ id: "c" }));
  await ctx.clock.advance(0);
  ctx.instances[1].crash();
  await ctx.clock.advance(0);
  assert.equal(
    ctx.sup.status().map((s) => s.state),
    ["running", "restarting", "running"],
  );
  await ctx.sup.stopAll();
  assert.equal(
    ctx.sup.status().map((s) => s.state),
    ["stopped", "stopped", "stopped"],
  );
});

test("an exit handler that throws does not stop the restart", async (ctx) => {
  ctx.sup.supervise(
    ctx.spec({
      onExit: () => {
        throw new Error("bookkeeping bug");
      },
    }),
  );
  await ctx.clock.advance(0);
  ctx.instances[0].crash();
  await ctx.clock.advance(100);
  assert.is(status(ctx).state, "running");
  assert.ok(ctx.logs.records.some((r) => r.level === "error" && /exit handler failed/.test(r.message)));
});

test("supervising the same id twice is refused", async (ctx) => {
  ctx.sup.supervise(ctx.spec());
  assert.throws(() => ctx.sup.supervise(ctx.spec()), /already supervised/);
  await ctx.clock.advance(0);
});

test("status() is a snapshot that later changes do not alter", async (ctx) => {
  ctx.sup.supervise(ctx.spec());
  await ctx.clock.advance(0);
  const before = ctx.sup.status();
  ctx.instances[0].crash();
  await ctx.clock.advance(0);
  assert.is(before[0].state, "running");
  assert.is(status(ctx).state, "restarting");
});

test.run();
