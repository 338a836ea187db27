// The group commit when the ledger fails: it backs off, does not give up on waiting work, and
// answers API callers with the error.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { GroupCommit } from "../../../src/actors/runtime/group-commit.ts";
import { flushPromises, VirtualClock } from "../../../src/actors/runtime/virtual-clock.ts";
import { createLogger } from "../../../src/logger.ts";
import type { ClaimedJob, ClaimRequest, Ledger, WriteBatch, WriteResult } from "../../../src/ledger/ledger.ts";

function fakeLedger(failures: number) {
  const batches: WriteBatch[] = [];
  let left = failures;
  const ledger = {
    write(batch: WriteBatch): Promise<WriteResult> {
      batches.push(batch);
      if (left-- > 0) return Promise.reject(new Error("disk I/O error"));
      return Promise.resolve({ jobs: (batch.jobs ?? []).map((_, i) => ({ id: String(i + 1), created: true })), applied: (batch.transitions ?? []).map(() => true), claimed: [] });
    },
  } as unknown as Ledger;
  return { ledger, batches };
}

const logger = createLogger({ category: "test", level: "error", sink: () => undefined });

test("after a failed commit it waits for its back-off before trying again", async () => {
  const clock = new VirtualClock(0);
  const { ledger, batches } = fakeLedger(1);
  const commit = new GroupCommit({ ledger, clock, logger });
  let retried = 0;
  const transition = { jobId: "1", from: ["Processing"] as const, to: "Succeeded" as const, reason: null, at: 0 };
  const again = () => {
    retried++;
    commit.addTransition({ transition: { ...transition, from: [...transition.from] }, done: () => undefined, failed: again });
  };
  commit.addTransition({ transition: { ...transition, from: [...transition.from] }, done: () => undefined, failed: again });
  await flushPromises();
  assert.is(batches.length, 1, "one failed attempt, then nothing until the back-off ends");
  assert.is(retried, 1);
  await clock.advance(49);
  assert.is(batches.length, 1);
  await clock.advance(1);
  assert.is(batches.length, 2, "retried once the back-off ended");
  commit.close();
});

test("a failed commit that carried a claim does not make the pool believe the queue is empty", async () => {
  const clock = new VirtualClock(0);
  const { ledger } = fakeLedger(1);
  const commit = new GroupCommit({ ledger, clock, logger });
  const answers: boolean[] = [];
  commit.setClaimSource({
    wantSlots: () => ({ serverId: "s", slots: ["w1"], leaseUntil: 1000 }),
    claimed: (_jobs: ClaimedJob[], _request: ClaimRequest, failed?: boolean) => void answers.push(failed === true),
  });
  commit.poke();
  await flushPromises();
  assert.equal(answers[0], true, "reported as failed, so the pool keeps looking for work");
  commit.close();
});

test("an API write that fails is answered with the error", async () => {
  const clock = new VirtualClock(0);
  const { ledger } = fakeLedger(1);
  const commit = new GroupCommit({ ledger, clock, logger });
  const err = await commit.addJobs([{ type: "x", args: null, state: "Enqueued", reason: "r", maxRetries: 0 }]).then(
    () => null,
    (e: Error) => e,
  );
  assert.match(err!.message, /disk I\/O error/);
  commit.close();
});

test.run();
