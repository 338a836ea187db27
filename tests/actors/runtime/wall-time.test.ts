// The real clock follows steps of the wall clock (NTP at boot, a manual fix, a VM resumed after a
// pause): readings jump with it, threads agree after it, and timers wait for their wall instant.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createSystemClock } from "../../../src/actors/runtime/clock.ts";
import { createWallTime, STEP_MS, wallNow } from "../../../src/actors/runtime/wall-time.ts";

const T0 = Date.parse("2026-11-29T08:00:00Z");

/** A wall clock and a monotonic one the test moves by hand; `origin` as a thread started at `startedAt`. */
function sources(startedAt = 0) {
  const s = { wallMs: T0, monoMs: 0 };
  const view = { wall: () => Math.floor(s.wallMs), mono: () => s.monoMs - startedAt, origin: T0 + startedAt };
  return { s, view, pass: (ms: number) => ((s.wallMs += ms), (s.monoMs += ms)) };
}

test("between steps the reading is the monotonic one, to the fraction of a millisecond", () => {
  const { view, pass } = sources();
  const now = createWallTime(view);
  pass(12.345);
  assert.is(now(), T0 + 12.345);
  pass(0.25);
  assert.is(now(), T0 + 12.595, "not Date.now()'s whole milliseconds");
});

test("a step of the wall clock forward or back is followed at once", () => {
  const { s, view, pass } = sources();
  const now = createWallTime(view);
  pass(1000);
  s.wallMs += 3_600_000; // the VM was paused for an hour: the monotonic clock did not move
  assert.is(now(), T0 + 1000 + 3_600_000);
  pass(10.5);
  assert.is(now(), T0 + 3_601_010.5, "and goes on from there with sub-millisecond steps");
  s.wallMs -= 7_200_000; // a manual fix two hours back
  assert.is(now(), T0 + 3_601_010 - 7_200_000, "Date.now() at the step (whole milliseconds)");
});

test("a drift under STEP_MS is not a step: the reading stays smooth", () => {
  const { s, view, pass } = sources();
  const now = createWallTime(view);
  pass(500);
  s.wallMs += STEP_MS - 1;
  assert.is(now(), T0 + 500);
});

test("two threads started at different times read the same time after a step", () => {
  const a = sources(0);
  const b = { s: a.s, view: { ...a.view, mono: () => a.s.monoMs - 40_000, origin: T0 + 40_000 } };
  const [nowA, nowB] = [createWallTime(a.view), createWallTime(b.view)];
  a.pass(50_000);
  assert.is(nowA(), nowB());
  a.s.wallMs += 90_000;
  assert.ok(Math.abs(nowA() - nowB()) < 1, `${nowA()} vs ${nowB()}`);
});

test("this thread's wall time is Date.now() within a few milliseconds", () => {
  assert.ok(Math.abs(wallNow() - Date.now()) < 5);
});

/** The real clock on real timers, over a wall clock the test can step. */
function steppable(recheckMs: number) {
  let offset = 0;
  const now = createWallTime({ wall: () => Date.now() + offset, mono: () => performance.now(), origin: performance.timeOrigin });
  return { clock: createSystemClock(now, recheckMs), step: (ms: number) => (offset += ms) };
}

const fired = (clock: ReturnType<typeof createSystemClock>, ms: number) => {
  const started = performance.now();
  const alive = setInterval(() => undefined, 1_000); // the clock's timers do not hold the process open
  return new Promise<number>((resolve) =>
    clock.setTimeout(() => {
      clearInterval(alive);
      resolve(performance.now() - started);
    }, ms),
  );
};

test("a timer waiting while the wall clock is stepped back fires at its wall instant, not early", async () => {
  const { clock, step } = steppable(60_000);
  const done = fired(clock, 100);
  setTimeout(() => step(-300), 20);
  const after = await done;
  assert.ok(after >= 390, `fired after ${after.toFixed(0)} ms of real time; its instant was 400 ms away`);
});

test("a timer waiting while the wall clock is stepped forward fires within one re-check of its instant", async () => {
  const { clock, step } = steppable(50);
  const done = fired(clock, 60_000);
  setTimeout(() => step(60_000), 20);
  const after = await done;
  assert.ok(after < 1_000, `fired after ${after.toFixed(0)} ms of real time; its instant had passed at 20 ms`);
});

test("a short timer fires after its delay, as setTimeout does", async () => {
  const { clock } = steppable(60_000);
  const after = await fired(clock, 30);
  assert.ok(after >= 28 && after < 500, `${after}`);
});

test.run();
