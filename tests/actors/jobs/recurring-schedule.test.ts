// The five recurring jobs exactly as DESIGN.md lists them, configuration overrides that win over
// the ledger, and every recurring job naming a registered job type.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { RECURRING_SCHEDULES, recurringDefinitions, unknownOverrides } from "../../../src/actors/jobs/recurring-schedule.ts";
import { jobs } from "../../../src/actors/jobs/registry.ts";
import { describeCron } from "../../../src/actors/runtime/cron-description.ts";
import { startRuntime } from "../../helpers/runtime-harness.ts";
import { testConfig } from "../../helpers/catalog-backends.ts";
import { pathToFileURL } from "node:url";
import { projectPath } from "../../../src/paths.ts";

test("the five recurring jobs have DESIGN.md's ids, names, crons, UTC and schedule texts", () => {
  const defs = recurringDefinitions(testConfig());
  assert.equal(
    defs.map((d) => [d.id, d.name, d.cron, d.timeZone, describeCron(d.cron, d.timeZone), d.force ?? false]),
    [
      ["daily-analytics", "Daily Analytics Generation", "0 2 * * *", "UTC", "Daily at 2:00 AM UTC", false],
      ["weekly-inventory-report", "Weekly Inventory Report", "0 3 * * 1", "UTC", "Weekly on Monday at 3:00 AM UTC", false],
      ["cache-warmup", "Cache Warmup", "0 */6 * * *", "UTC", "Every 6 hours", false],
      ["popular-products", "Popular Products Refresh", "15 * * * *", "UTC", "Hourly at minute 15", false],
      ["cleanup", "Cleanup Old Data", "0 4 * * *", "UTC", "Daily at 4:00 AM UTC", false],
    ],
  );
});

test("every recurring job runs a registered job type of the same name, with a title to match", () => {
  const byType = new Map(jobs.map((j) => [j.type, j]));
  for (const s of RECURRING_SCHEDULES) {
    assert.ok(byType.has(s.id), `job type ${s.id} is registered`);
    assert.is(byType.get(s.id)!.title, s.name);
  }
  assert.is(jobs.length, 5);
});

test("a cron or zone from configuration replaces the default and is forced over the ledger", () => {
  const config = testConfig({ CRON_DAILY_ANALYTICS: "30 1 * * *", TZ_CLEANUP: "Europe/Berlin", CRON_NOT_A_JOB: "* * * * *" });
  const defs = Object.fromEntries(recurringDefinitions(config).map((d) => [d.id, d]));
  assert.equal([defs["daily-analytics"].cron, defs["daily-analytics"].timeZone, defs["daily-analytics"].force], ["30 1 * * *", "UTC", true]);
  assert.equal([defs.cleanup.cron, defs.cleanup.timeZone, defs.cleanup.force], ["0 4 * * *", "Europe/Berlin", true]);
  assert.is(defs["cache-warmup"].force, undefined);
  assert.equal(unknownOverrides(config), ["not-a-job"]);
});

test("configuration wins over a schedule changed in the ledger at the next start; the default does not", async () => {
  const JOBS = pathToFileURL(projectPath("src/actors/jobs/registry.ts")).href;
  const first = await startRuntime({ jobModules: [JOBS], workerCount: 1, recurring: recurringDefinitions(testConfig()) });
  const dir = first.dir;
  try {
    await first.rt.updateRecurring("daily-analytics", { cron: "0 5 * * *" });
    await first.rt.updateRecurring("cleanup", { cron: "0 6 * * *" });
    await first.rt.stop(1_000);
    await first.ledger.close();
    const again = await startRuntime({ dir, jobModules: [JOBS], workerCount: 1, recurring: recurringDefinitions(testConfig({ CRON_CLEANUP: "0 1 * * *" })) });
    try {
      assert.is((await again.rt.getRecurring("daily-analytics")).cron, "0 5 * * *", "a change made through the API survives a restart");
      assert.is((await again.rt.getRecurring("cleanup")).cron, "0 1 * * *", "configuration wins");
      assert.is((await again.rt.listRecurring()).length, 5);
    } finally {
      await again.close();
    }
  } finally {
    const { rmSync } = await import("node:fs");
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
