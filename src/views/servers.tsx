// Servers: every process sharing the ledger, with its workers, start time and heartbeat, and
// each supervised actor's state and restart count. For this process, also what each job worker
// runs right now.
import type { ActorStatus } from "../actors/runtime/supervisor.ts";
import type { ServerInfo } from "../ledger/ledger.ts";
import { Empty, PageHeader, type View, Refresh, When } from "./components.tsx";
import { duration } from "./format.ts";
import { urls } from "./urls.ts";

/** Hangfire's ServerPossiblyAbortedThreshold. */
export const STALE_AFTER_MS = 60_000;

export interface WorkerSlot {
  workerId: string;
  ready: boolean;
  jobs: string[];
  running: string | null;
}

export interface ServersData {
  servers: ServerInfo[];
  thisServer: string;
  /** This process's supervisor, live (the ledger's copy is as old as the last heartbeat). */
  actors: ActorStatus[];
  workers: WorkerSlot[];
  leader: boolean;
}

const ACTOR_STATE_CLASS: Record<string, string> = {
  running: "st-succeeded",
  starting: "st-enqueued",
  restarting: "st-processing",
  stopping: "st-deleted",
  stopped: "st-failed",
};

function Actors(props: { actors: ActorStatus[]; now: number }) {
  if (!props.actors.length) return <p class="muted">No actors reported.</p>;
  return (
    <div class="table-wrap">
      <table class="actors">
        <thead>
          <tr>
            <th>Actor</th>
            <th class="opt">Kind</th>
            <th>State</th>
            <th class="num">Restarts</th>
            <th class="opt">Up since</th>
            <th class="wide opt">Last error</th>
          </tr>
        </thead>
        <tbody>
          {props.actors.map((a) => (
            <tr>
              <td>
                <code>{a.id}</code>
              </td>
              <td class="opt muted">{a.kind}</td>
              <td>
                <span class={`badge ${ACTOR_STATE_CLASS[a.state] ?? "st-none"}`}>{a.state}</span>
                {a.nextRestartAt ? (
                  <span class="muted small">
                    {" "}
                    restarts <When at={a.nextRestartAt} now={props.now} />
                  </span>
                ) : null}
              </td>
              <td class="num">{a.restarts}</td>
              <td class="opt">
                <When at={a.startedAt} now={props.now} />
              </td>
              <td class="wide opt">{a.lastError ? <span class="err">{a.lastError}</span> : <span class="muted">—</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Workers(props: { workers: WorkerSlot[] }) {
  return (
    <div class="workers">
      {props.workers.map((w) => (
        <div class={`worker ${w.running ? "busy" : w.ready ? "idle" : "down"}`}>
          <code class="small">{w.workerId}</code>
          <span>{w.running ? <a href={urls.job(w.running)}>running #{w.running}</a> : w.ready ? "idle" : "starting"}</span>
          {w.jobs.length > 1 ? <span class="muted small">+{w.jobs.length - 1} queued</span> : null}
        </div>
      ))}
    </div>
  );
}

export function ServersPage(props: { d: ServersData; v: View }) {
  return (
    <>
      <PageHeader title="Servers" sub="Processes sharing this ledger. A server that misses heartbeats for a minute is marked possibly aborted; its jobs come back when their leases expire." />
      <ServerList d={props.d} v={props.v} />
    </>
  );
}

/** The server cards, refreshed every second. */
export function ServerList(props: { d: ServersData; v: View }) {
  const { d, v } = props;
  return (
    <div id="servers" data-live>
      <Refresh url={urls.servers()} on="cj:tick from:body" />
        {d.servers.length ? null : <Empty>No server is registered.</Empty>}
        {d.servers.map((s) => {
          const mine = s.id === d.thisServer;
          const stale = v.now - s.heartbeatAt > STALE_AFTER_MS;
          const actors = mine ? d.actors : (s.actors as ActorStatus[]);
          return (
            <section class={`card server ${stale ? "stale" : ""}`} data-testid="server">
              <div class="card-head">
                <h2>
                  <code>{s.id}</code>
                  {mine ? <span class="tag">this process</span> : null}
                  {mine && d.leader ? <span class="tag">scheduler leader</span> : null}
                  {stale ? <span class="badge st-failed">possibly aborted</span> : null}
                </h2>
              </div>
              <dl class="facts">
                <div class="field">
                  <dt>Host</dt>
                  <dd>
                    {s.hostname} · pid {s.pid}
                  </dd>
                </div>
                <div class="field">
                  <dt>Workers</dt>
                  <dd>{s.workerCount}</dd>
                </div>
                <div class="field">
                  <dt>Queues</dt>
                  <dd>{s.queues.join(", ")}</dd>
                </div>
                <div class="field">
                  <dt>Started</dt>
                  <dd>
                    <When at={s.startedAt} now={v.now} /> <span class="muted small">(up {duration(v.now - s.startedAt)})</span>
                  </dd>
                </div>
                <div class="field">
                  <dt>Heartbeat</dt>
                  <dd>
                    <When at={s.heartbeatAt} now={v.now} />
                  </dd>
                </div>
              </dl>
              {mine ? (
                <>
                  <h3>Job workers</h3>
                  <Workers workers={d.workers} />
                </>
              ) : null}
              <h3>Actors</h3>
              <Actors actors={actors} now={v.now} />
            </section>
          );
        })}
    </div>
  );
}
