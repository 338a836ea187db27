// The overview: counts by state, the realtime graph (last two minutes, one point per second,
// refreshed on every server tick) and the history graphs (24 hours, 7 days).
import type { JobState } from "../ledger/ledger.ts";
import { type View, PageHeader, Refresh } from "./components.tsx";
import { compact, count } from "./format.ts";
import { BarGraph, LineGraph } from "./graphs.tsx";
import { urls } from "./urls.ts";

export interface SlotsData {
  starts: number[];
  succeeded: number[];
  failed: number[];
}

export interface OverviewData {
  counts: Record<JobState, number>;
  totals: { succeeded: number; failed: number; deleted: number };
  realtime: SlotsData;
  hourly: SlotsData;
  daily: SlotsData;
  recurring: { total: number; enabled: number };
  servers: number;
  workers: number;
}

const TILES: { state: JobState; hint: (d: OverviewData) => string }[] = [
  { state: "Enqueued", hint: () => "waiting" },
  { state: "Scheduled", hint: () => "delayed, retries" },
  { state: "Processing", hint: (d) => `${count(d.workers)} workers` },
  { state: "Succeeded", hint: (d) => `${compact(d.totals.succeeded)} all time` },
  { state: "Failed", hint: () => "never expire" },
  { state: "Deleted", hint: (d) => `${compact(d.totals.deleted)} all time` },
];

function Tiles(props: { d: OverviewData }) {
  const { d } = props;
  return (
    <div class="tiles">
      {TILES.map((t) => (
        <a class={`tile tile-${t.state.toLowerCase()}`} href={urls.jobs(t.state)} data-testid={`tile-${t.state.toLowerCase()}`}>
          <span class="tile-label">{t.state}</span>
          <span class="tile-value">{compact(d.counts[t.state])}</span>
          <span class="tile-hint">{t.hint(d)}</span>
        </a>
      ))}
      <a class="tile tile-recurring" href={urls.recurring()}>
        <span class="tile-label">Recurring</span>
        <span class="tile-value">{count(d.recurring.total)}</span>
        <span class="tile-hint">{count(d.recurring.enabled)} enabled</span>
      </a>
      <a class="tile tile-servers" href={urls.servers()}>
        <span class="tile-label">Servers</span>
        <span class="tile-value">{count(d.servers)}</span>
        <span class="tile-hint">heartbeating</span>
      </a>
    </div>
  );
}

/** Tiles and the realtime graph: the part of the overview that refreshes every second. */
export function OverviewLive(props: { d: OverviewData; v: View }) {
  const { d } = props;
  const seconds = d.realtime.starts.length;
  const lastMinute = d.realtime.succeeded.slice(-60).reduce((a, b) => a + b, 0);
  const failedMinute = d.realtime.failed.slice(-60).reduce((a, b) => a + b, 0);
  return (
    <div id="overview-live" data-live>
      <Refresh url={urls.overview()} on="cj:tick from:body" />
      <Tiles d={d} />
      <section class="card">
        <div class="card-head">
          <h2>Realtime</h2>
          <span class="muted" data-testid="throughput">
            {(lastMinute / 60).toFixed(lastMinute >= 600 ? 0 : 1)} jobs/s over the last minute · {count(failedMinute)} failed attempts
          </span>
        </div>
        <LineGraph
          label={`Jobs finished per second over the last ${seconds} seconds`}
          xLabels={[`${Math.round(seconds / 60)} min ago`, `${Math.round(seconds / 120)} min ago`, "now"]}
          series={[
            { label: "Succeeded", cls: "s-succeeded", values: d.realtime.succeeded },
            { label: "Failed attempts", cls: "s-failed", values: d.realtime.failed },
          ]}
        />
      </section>
    </div>
  );
}

const hourLabel = (t: number) => new Date(t).toISOString().slice(11, 16);
const dayLabel = (t: number) => new Date(t).toUTCString().slice(0, 11);

export function OverviewPage(props: { d: OverviewData; v: View }) {
  const { d, v } = props;
  const h = d.hourly.starts;
  const w = d.daily.starts;
  return (
    <>
      <PageHeader title="Overview" sub="Jobs by state, live throughput, and the last day and week." />
      <OverviewLive d={d} v={v} />
      <div class="two">
        <section class="card">
          <div class="card-head">
            <h2>Last 24 hours</h2>
            <span class="muted">per hour</span>
          </div>
          <BarGraph
            label="Jobs finished per hour over the last 24 hours"
            slots={h.map((t) => `${hourLabel(t)} UTC`)}
            xLabels={h.map((t, i) => (i % 6 === 2 ? hourLabel(t) : ""))}
            series={[
              { label: "Succeeded", cls: "s-succeeded", values: d.hourly.succeeded },
              { label: "Failed attempts", cls: "s-failed", values: d.hourly.failed },
            ]}
          />
        </section>
        <section class="card">
          <div class="card-head">
            <h2>Last 7 days</h2>
            <span class="muted">per day</span>
          </div>
          <BarGraph
            label="Jobs finished per day over the last 7 days"
            slots={w.map(dayLabel)}
            xLabels={w.map((t) => dayLabel(t).slice(0, 3))}
            series={[
              { label: "Succeeded", cls: "s-succeeded", values: d.daily.succeeded },
              { label: "Failed attempts", cls: "s-failed", values: d.daily.failed },
            ]}
          />
        </section>
      </div>
    </>
  );
}
