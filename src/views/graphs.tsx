// Server-rendered SVG graphs: no chart library, nothing to load, readable without JavaScript.
// The plot stretches to its box (preserveAspectRatio="none", strokes that do not scale); the
// labels are HTML around it, so they stay legible on a phone.
import { count } from "./format.ts";

export interface Series {
  label: string;
  cls: string; // colour class: s-succeeded, s-failed
  values: number[];
}

const W = 600;
const H = 160;

/** 0 → 2, 5 → 6, 13 → 20, 260 → 400: a round axis maximum whose half is a whole number. */
export function niceMax(max: number): number {
  if (max <= 2) return 2;
  const p = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 4, 6, 8, 10]) if (m * p >= max) return m * p;
  return 10 * p;
}

function Legend(props: { series: Series[]; totals?: boolean }) {
  return (
    <div class="legend">
      {props.series.map((s) => (
        <span class={`key ${s.cls}`}>
          <span class="swatch" aria-hidden="true"></span>
          {s.label}
          {props.totals ? <strong>{count(s.values.reduce((a, b) => a + b, 0))}</strong> : null}
        </span>
      ))}
    </div>
  );
}

function Frame(props: { max: number; xLabels: string[]; children: unknown; label: string; slotted?: boolean }) {
  return (
    <div class="chart">
      <div class="y-axis" aria-hidden="true">
        <span>{count(props.max)}</span>
        <span>{count(props.max / 2)}</span>
        <span>0</span>
      </div>
      <svg class="plot" viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" role="img" aria-label={props.label}>
        <line class="grid" x1="0" y1="0.5" x2={W} y2="0.5" vector-effect="non-scaling-stroke" />
        <line class="grid" x1="0" y1={H / 2} x2={W} y2={H / 2} vector-effect="non-scaling-stroke" />
        <line class="axis" x1="0" y1={H - 0.5} x2={W} y2={H - 0.5} vector-effect="non-scaling-stroke" />
        {props.children}
      </svg>
      <div class={props.slotted ? `x-axis slots cols-${props.xLabels.length}` : "x-axis"} aria-hidden="true">
        {props.xLabels.map((l) => (
          <span>{l}</span>
        ))}
      </div>
    </div>
  );
}

/** Lines over time, one point per slot (the realtime graph: one slot per second). */
export function LineGraph(props: { series: Series[]; xLabels: string[]; label: string }) {
  const n = Math.max(2, ...props.series.map((s) => s.values.length));
  const max = niceMax(Math.max(0, ...props.series.flatMap((s) => s.values)));
  const x = (i: number) => (i / (n - 1)) * W;
  const y = (v: number) => H - (v / max) * (H - 2);
  return (
    <figure class="graph">
      <Frame max={max} xLabels={props.xLabels} label={props.label}>
        {props.series.map((s) => {
          const pts = s.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`);
          return (
            <g class={s.cls}>
              <path class="area" d={`M0,${H} L${pts.join(" L")} L${x(s.values.length - 1).toFixed(1)},${H} Z`} />
              <polyline class="line" points={pts.join(" ")} vector-effect="non-scaling-stroke" />
            </g>
          );
        })}
      </Frame>
      <Legend series={props.series} totals />
    </figure>
  );
}

/**
 * Stacked bars, one per slot (hours of a day, days of a week); each bar says its numbers on hover.
 * `xLabels` has one entry per slot ("" for none), centred under its bar.
 */
export function BarGraph(props: { series: Series[]; slots: string[]; xLabels: string[]; label: string }) {
  const n = props.slots.length;
  const totals = props.slots.map((_, i) => props.series.reduce((a, s) => a + (s.values[i] ?? 0), 0));
  const max = niceMax(Math.max(0, ...totals));
  const slot = W / n;
  const bar = Math.max(1, slot * 0.7);
  return (
    <figure class="graph">
      <Frame max={max} xLabels={props.xLabels} label={props.label} slotted>
        {props.slots.map((name, i) => {
          let base = H;
          return (
            <g class="bar">
              <title>{`${name}: ${props.series.map((s) => `${count(s.values[i] ?? 0)} ${s.label.toLowerCase()}`).join(", ")}`}</title>
              <rect class="hit" x={(i * slot).toFixed(1)} y="0" width={slot.toFixed(1)} height={H} />
              {props.series.map((s) => {
                const v = s.values[i] ?? 0;
                if (!v) return null;
                const h = Math.max(1, (v / max) * (H - 2));
                base -= h;
                return <rect class={s.cls} x={(i * slot + (slot - bar) / 2).toFixed(1)} y={base.toFixed(1)} width={bar.toFixed(1)} height={h.toFixed(1)} />;
              })}
            </g>
          );
        })}
      </Frame>
      <Legend series={props.series} totals />
    </figure>
  );
}
