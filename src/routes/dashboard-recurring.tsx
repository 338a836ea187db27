// Recurring jobs in the dashboard: the list, Trigger now, Enable/Disable, and editing the
// schedule with a preview of the next runs (live with htmx; a Preview button without it).
import type { Context } from "hono";
import { Hono } from "hono";
import { NotFoundError, ValidationError } from "../errors.ts";
import type { RecurringJob } from "../ledger/ledger.ts";
import { type CronDraft, CronPreview, RecurringEditPage, RecurringNotFound, RecurringPage, RecurringRow, recurringRowId } from "../views/recurring.tsx";
import { urls } from "../views/urls.ts";
import type { DashboardContext } from "./dashboard-context.ts";
import { outcomeQuery } from "./dashboard-notices.ts";
import { readForm } from "./dashboard-form.ts";
import { respond, view } from "./dashboard-respond.tsx";

const MAX_FIELD = 200;

function field(v: unknown, fallback: string): string {
  return typeof v === "string" ? v.trim().slice(0, MAX_FIELD) : fallback;
}

export function recurringRoutes(dash: DashboardContext): Hono {
  const app = new Hono();
  const rt = dash.runtime;

  const notFound = (c: Context, id: string) =>
    respond(c, dash, { title: "Recurring job not found", section: "recurring", status: 404, main: () => <RecurringNotFound id={id} /> });

  app.get("/recurring", async (c) => {
    const v = view(c, dash);
    const list = await rt.listRecurring();
    return respond(c, dash, {
      title: "Recurring jobs",
      section: "recurring",
      main: () => <RecurringPage list={list} v={v} />,
      part: (t) => {
        const r = list.find((x) => recurringRowId(x.id) === t);
        return r ? () => <RecurringRow r={r} v={v} /> : null;
      },
    });
  });

  const act = (action: "trigger" | "enable" | "disable") => async (c: Context) => {
    const id = c.req.param("id")!;
    try {
      let job: string | undefined;
      if (action === "trigger") job = (await rt.triggerRecurring(id)).jobId;
      else await rt.setRecurringEnabled(id, action === "enable");
      return c.redirect(`${urls.recurring()}?${outcomeQuery({ done: action, rec: id, job })}`, 303);
    } catch (err) {
      if (err instanceof NotFoundError) return notFound(c, id);
      throw err;
    }
  };
  app.post("/recurring/trigger/:id", act("trigger"));
  app.post("/recurring/enable/:id", act("enable"));
  app.post("/recurring/disable/:id", act("disable"));

  const editPage = (c: Context, r: RecurringJob, draft: CronDraft, error: string | null) => {
    const v = view(c, dash);
    return respond(c, dash, {
      title: `Edit ${r.id}`,
      section: "recurring",
      status: error ? 422 : 200,
      main: () => <RecurringEditPage r={r} draft={draft} error={error} v={v} />,
      part: (t) => (t === "cron-preview" ? () => <CronPreview draft={draft} now={v.now} /> : null),
    });
  };

  const load = async (id: string): Promise<RecurringJob | null> => {
    try {
      return await rt.getRecurring(id);
    } catch (err) {
      if (err instanceof NotFoundError) return null;
      throw err;
    }
  };

  app.get("/recurring/edit/:id", async (c) => {
    const r = await load(c.req.param("id"));
    if (!r) return notFound(c, c.req.param("id"));
    const draft: CronDraft = {
      cron: field(c.req.query("cron"), r.cron),
      timeZone: field(c.req.query("timeZone"), r.timeZone),
      misfire: field(c.req.query("misfire"), r.misfire),
      overlap: field(c.req.query("overlap"), r.overlap),
    };
    return editPage(c, r, draft, null);
  });

  app.post("/recurring/edit/:id", async (c) => {
    const r = await load(c.req.param("id"));
    if (!r) return notFound(c, c.req.param("id"));
    const body = await readForm(c);
    const draft: CronDraft = {
      cron: field(body.cron, r.cron),
      timeZone: field(body.timeZone, r.timeZone),
      misfire: field(body.misfire, r.misfire),
      overlap: field(body.overlap, r.overlap),
    };
    if (body.intent === "preview") return editPage(c, r, draft, null);
    try {
      await rt.updateRecurring(r.id, {
        cron: draft.cron,
        timeZone: draft.timeZone,
        misfire: draft.misfire as RecurringJob["misfire"],
        overlap: draft.overlap as RecurringJob["overlap"],
      });
    } catch (err) {
      if (err instanceof ValidationError) return editPage(c, r, draft, err.message);
      throw err;
    }
    return c.redirect(`${urls.recurring()}?${outcomeQuery({ done: "save", rec: r.id })}`, 303);
  });

  /** The preview alone, for the edit form's inputs (htmx). */
  app.get("/recurring/preview", (c) => {
    c.header("Cache-Control", "no-store");
    const draft: CronDraft = { cron: field(c.req.query("cron"), ""), timeZone: field(c.req.query("timeZone"), "UTC") || "UTC", misfire: "relaxed", overlap: "allow" };
    return c.html(<CronPreview draft={draft} now={dash.clock.now()} />);
  });

  return app;
}
