// The cron preview (the crontab.guru the old guide linked to, built in): the plain-words text
// and the next occurrences, computed by the code the scheduler itself runs — DST rules included.
import type { AppDeps } from "../app.ts";
import { compileCron, occurrencesAfter } from "../actors/runtime/cron.ts";
import { describeCron } from "../actors/runtime/cron-description.ts";
import { formatInZone } from "../actors/runtime/zoned-time.ts";
import { ValidationError } from "../errors.ts";
import { commonErrors, createRoute, createRouter, z } from "./openapi.ts";

export const MAX_PREVIEW = 100;
const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(:\d{2}(\.\d{1,9})?)?(Z|([+-])(\d{2}):(\d{2}))$/i;

/** An instant whose date and time exist as written: Date.parse turns February 30 into March 2. */
function isRealInstant(s: string): boolean {
  const m = ISO_INSTANT.exec(s);
  const ms = Date.parse(s);
  if (!m || !Number.isFinite(ms)) return false;
  const offsetMinutes = m[9] ? (m[9] === "-" ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11])) : 0;
  const wall = new Date(ms + offsetMinutes * 60_000);
  const written = [m[1], m[2], m[3], m[4], m[5]].map(Number);
  return [wall.getUTCFullYear(), wall.getUTCMonth() + 1, wall.getUTCDate(), wall.getUTCHours(), wall.getUTCMinutes()].every((v, i) => v === written[i]);
}

const PreviewQuery = z.object({
  cron: z
    // A repeated ?cron= is an array: left to validationFailure's "must be given once".
    .string({ error: (i) => (Array.isArray(i.input) ? undefined : "cron is required, e.g. ?cron=0%202%20*%20*%20*") })
    .max(200, { error: "cron must be at most 200 characters" })
    .openapi({ param: { name: "cron", in: "query" }, example: "0 2 * * *" }),
  timeZone: z
    .string({ error: "timeZone must be one IANA zone name" })
    .max(64, { error: "timeZone must be at most 64 characters" })
    .optional()
    .openapi({ param: { name: "timeZone", in: "query" }, example: "Europe/Berlin", default: "UTC" }),
  from: z
    .string({ error: "from must be one ISO-8601 instant" })
    .optional()
    .refine((s) => s === undefined || isRealInstant(s), {
      error: (i) => `from must be an ISO-8601 instant with its offset, e.g. 2026-03-29T00:00:00Z; got ${JSON.stringify(i.input)}`,
    })
    .openapi({ param: { name: "from", in: "query" }, example: "2026-03-29T00:00:00Z", description: "Occurrences strictly after this instant; default now" }),
  count: z
    .string({ error: `count must be one whole number from 1 to ${MAX_PREVIEW}` })
    .optional()
    .refine((s) => s === undefined || (/^\d{1,3}$/.test(s) && Number(s) >= 1 && Number(s) <= MAX_PREVIEW), {
      error: (i) => `count must be a whole number from 1 to ${MAX_PREVIEW}; got ${JSON.stringify(i.input)}`,
    })
    .transform((s) => (s === undefined ? 5 : Number(s)))
    .openapi({ param: { name: "count", in: "query" }, type: "integer", minimum: 1, maximum: MAX_PREVIEW, default: 5 }),
});

const PreviewSchema = z
  .object({
    cron: z.string(),
    timeZone: z.string(),
    description: z.string(),
    from: z.string().openapi({ format: "date-time" }),
    occurrences: z.array(z.string()).openapi({ description: "ISO-8601 with the zone's offset" }),
    occurrencesUtc: z.array(z.string()),
  })
  .openapi("CronPreview", {
    example: {
      cron: "0 2 * * *",
      timeZone: "Europe/Berlin",
      description: "Daily at 2:00 AM Europe/Berlin",
      from: "2026-03-29T00:00:00.000Z",
      occurrences: ["2026-03-29T03:00:00+02:00", "2026-03-30T02:00:00+02:00", "2026-03-31T02:00:00+02:00"],
      occurrencesUtc: ["2026-03-29T01:00:00.000Z", "2026-03-30T00:00:00.000Z", "2026-03-31T00:00:00.000Z"],
    },
  });

export function cronPreviewRoutes(deps: AppDeps) {
  const app = createRouter();
  app.openapi(
    createRoute({
      method: "get",
      path: "/api/backgroundjobs/cron/preview",
      tags: ["Recurring jobs"],
      summary: "A cron expression in plain words and its next occurrences in a time zone",
      description:
        "Occurrences are strictly after `from` and follow the scheduler's DST rules: a time skipped by spring-forward runs at the transition; in a repeated hour only interval expressions run twice.",
      request: { query: PreviewQuery },
      responses: {
        200: { description: "The preview", content: { "application/json": { schema: PreviewSchema } } },
        400: {
          description: "An invalid expression, an unknown zone, or a bad from/count",
          content: {
            "application/json": {
              schema: commonErrors[400].content["application/json"].schema,
              example: { error: { code: "validation_error", message: "cron must have 5 fields (minute hour day month weekday) or 6 (second first); got 3: \"0 2 *\"", field: "cron" } },
            },
          },
        },
        500: commonErrors[500],
      },
    }),
    (c) => {
      const q = c.req.valid("query");
      const from = q.from === undefined ? deps.clock.now() : Date.parse(q.from);
      const compiled = compileCron(q.cron, q.timeZone ?? "UTC"); // ValidationError("cron" | "timeZone")
      let description: string;
      try {
        description = describeCron(q.cron, compiled.timeZone);
      } catch (err) {
        if (err instanceof ValidationError) throw err;
        description = compiled.expression; // words are a nicety; the schedule itself is valid
      }
      const instants = occurrencesAfter(compiled, from, q.count);
      return c.json(
        {
          cron: compiled.expression,
          timeZone: compiled.timeZone,
          description,
          from: new Date(from).toISOString(),
          occurrences: instants.map((t) => formatInZone(t, compiled.timeZone)),
          occurrencesUtc: instants.map((t) => new Date(t).toISOString()),
        },
        200,
      );
    },
  );
  return app;
}
