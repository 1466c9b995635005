// The metrics webview: CPU and memory charts (uPlot) of the runs the host sends, a selector of
// runs and a time window. Runs under the CSP set by src/ui/metricsPanel.ts: no inline script or
// style, no remote resource; every message from the host is validated before use.
import uPlot from 'uplot';
import { parseHostMessage, type ViewMessage } from '../../src/shared/metricsProtocol';
import { vscodeApi } from '../common/vscodeApi';
import { align, formatMB, formatPercent, listedRuns, niceMax, readState, RunStore, WINDOWS, type Run, type ViewState } from './series';

const vscode = vscodeApi<ViewMessage, ViewState>();
const store = new RunStore();
let state = readState(vscode.getState());
let received = false;

const MB = 1024 * 1024;
/** The charts share the panel's height; below this each one scrolls rather than shrinks. */
const MIN_CHART_HEIGHT = 160;

// ---- theme ----------------------------------------------------------------------------------

/** The editor's chart colours, in an order that keeps neighbours apart. */
const CHART_VARS = ['--vscode-charts-blue', '--vscode-charts-orange', '--vscode-charts-green', '--vscode-charts-purple', '--vscode-charts-red', '--vscode-charts-yellow'];
const FALLBACKS = ['#3794ff', '#d18616', '#89d185', '#b180d7', '#f14c4c', '#cca700'];
/** One colour per definition; its instances (replicas) are told apart by their dashes. */
const DASHES: number[][] = [[], [6, 3], [2, 3], [8, 3, 2, 3]];

interface Theme {
  series: string[];
  text: string;
  grid: string;
  font: string;
}

const probe = document.createElement('canvas').getContext('2d');

/** Any CSS colour as the canvas writes it ("#rrggbb" or "rgba(...)"), or undefined when invalid. */
function normalise(color: string): string | undefined {
  if (!probe || !color.trim()) return undefined;
  probe.fillStyle = '#010203';
  probe.fillStyle = color.trim();
  const out = String(probe.fillStyle);
  return out === '#010203' && color.trim() !== '#010203' ? undefined : out;
}

function withAlpha(color: string, alpha: number): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  if (!m) return color;
  return `rgba(${parseInt(m[1], 16)}, ${parseInt(m[2], 16)}, ${parseInt(m[3], 16)}, ${alpha})`;
}

/** A theme colour with its transparency taken out: a translucent line fades into the background. */
function opaque(color: string): string {
  const m = /^rgba\((\d+),\s*(\d+),\s*(\d+),\s*[\d.]+\)$/.exec(color);
  return m ? `rgb(${m[1]}, ${m[2]}, ${m[3]})` : color;
}

function readTheme(): Theme {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string) => normalise(css.getPropertyValue(name));
  const text = v('--vscode-editor-foreground') ?? v('--vscode-foreground') ?? '#808080';
  const body = getComputedStyle(document.body);
  return {
    series: CHART_VARS.map((name, i) => opaque(v(name) ?? FALLBACKS[i])),
    text,
    grid: withAlpha(text, 0.14),
    font: `${body.fontSize || '12px'} ${body.fontFamily || 'sans-serif'}`,
  };
}

let theme = readTheme();

function colorOf(run: Run): string {
  return theme.series[run.slot % theme.series.length];
}

function dashOf(run: Run): number[] {
  return DASHES[(run.instance ?? 0) % DASHES.length];
}

// ---- layout ---------------------------------------------------------------------------------

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
}

const app = document.getElementById('app') as HTMLElement;
app.replaceChildren();

const windowGroup = el('div', { className: 'segmented', role: 'radiogroup' });
windowGroup.setAttribute('aria-label', 'Time window');
for (const w of WINDOWS) {
  const input = el('input', { type: 'radio', name: 'window', value: String(w), id: `window-${w}`, checked: w === state.windowMin });
  input.addEventListener('change', () => {
    if (!input.checked) return;
    state = { ...state, windowMin: w };
    save();
    scheduleRender();
  });
  windowGroup.append(input, el('label', { htmlFor: `window-${w}` }, `${w} min`));
}
const status = el('span', { className: 'status' });
status.setAttribute('aria-live', 'polite');
const endedBox = el('input', { type: 'checkbox', id: 'show-ended', checked: state.showEnded });
endedBox.addEventListener('change', () => {
  state = { ...state, showEnded: endedBox.checked };
  save();
  scheduleRender();
});
const endedToggle = el('span', { className: 'toggle' }, endedBox, el('label', { htmlFor: 'show-ended' }, 'Show ended runs'));
const toolbar = el('div', { className: 'toolbar' }, el('span', { className: 'toolbar-label' }, 'Window'), windowGroup, endedToggle, status);

const runList = el('ul', { className: 'runs' });
const allButton = el('button', { type: 'button', className: 'link' }, 'All');
const noneButton = el('button', { type: 'button', className: 'link' }, 'None');
allButton.addEventListener('click', () => setHidden([]));
noneButton.addEventListener('click', () => setHidden(listed().map((r) => r.runId)));
const selector = el(
  'section',
  { className: 'selector' },
  el('div', { className: 'selector-head' }, el('h2', {}, 'Runs'), el('span', { className: 'actions' }, allButton, noneButton)),
  runList,
);
selector.setAttribute('aria-label', 'Runs to show');

const note = el('p', { className: 'empty' });

function chartBox(key: string, title: string, subtitle: string): { box: HTMLElement; plot: HTMLElement } {
  const plot = el('div', { className: 'plot' });
  // The canvas says nothing to a screen reader: the run list below carries the current figures.
  plot.setAttribute('role', 'img');
  plot.setAttribute('aria-label', `${title} over time, one line per run`);
  const box = el('section', { className: 'chart' }, el('h2', {}, title, el('span', { className: 'subtitle' }, subtitle)), plot);
  box.dataset.chart = key;
  return { box, plot };
}

const cpuBox = chartBox('cpu', 'CPU', '% of one core: 100% = one full core; a process tree using two cores shows 200%');
const memBox = chartBox('memory', 'Memory', 'resident memory of each run’s whole process tree');
const charts = el('div', { className: 'charts' }, note, cpuBox.box, memBox.box);
app.append(toolbar, el('div', { className: 'layout' }, selector, charts));

// ---- charts ---------------------------------------------------------------------------------

let cpuChart: uPlot | undefined;
let memChart: uPlot | undefined;
/** The series the charts were built for: rebuilt when it changes (a run added, hidden or shown). */
let builtFor = '';

/** Live runs and each definition's latest run (every run with "Show ended runs"). */
function listed(): Run[] {
  return listedRuns([...store.runs.values()], state.showEnded);
}

function visibleRuns(): Run[] {
  const hidden = new Set(state.hidden);
  return listed().filter((r) => !hidden.has(r.runId));
}

/** The right end of the time axis: the host's clock, moved on by the time since its message. */
let hostOffset = 0;
function now(): number {
  return Date.now() + hostOffset;
}

/** A definition's limit for this chart, in the chart's unit (percent, MiB); undefined for none. */
function limitOf(kind: 'cpu' | 'memory', run: Run): number | undefined {
  const v = kind === 'cpu' ? run.cpuLimit : run.memLimit;
  return v === null || v === undefined ? undefined : kind === 'cpu' ? v : v / MB;
}

/** One threshold per definition drawn: the first of its visible runs gives colour and value. */
function limitsOf(kind: 'cpu' | 'memory', runs: Run[]): { name: string; value: number; color: string }[] {
  const seen = new Map<string, { name: string; value: number; color: string }>();
  for (const r of runs) {
    const value = limitOf(kind, r);
    if (value !== undefined && !seen.has(r.name)) seen.set(r.name, { name: r.name, value, color: colorOf(r) });
  }
  return [...seen.values()];
}

/** Dashed horizontal lines at each definition's limit, labelled at the right end. */
function thresholdPlugin(kind: 'cpu' | 'memory', runs: Run[]): uPlot.Plugin {
  const format = kind === 'cpu' ? formatPercent : formatMB;
  return {
    hooks: {
      draw: (u) => {
        const ctx = u.ctx;
        const { left, top, width, height } = u.bbox;
        for (const limit of limitsOf(kind, runs)) {
          const y = Math.round(u.valToPos(limit.value, 'y', true));
          if (y < top || y > top + height) continue;
          ctx.save();
          ctx.strokeStyle = limit.color;
          ctx.lineWidth = Math.max(1, devicePixelRatio);
          ctx.setLineDash([4 * devicePixelRatio, 4 * devicePixelRatio]);
          ctx.beginPath();
          ctx.moveTo(left, y);
          ctx.lineTo(left + width, y);
          ctx.stroke();
          ctx.setLineDash([]);
          ctx.fillStyle = limit.color;
          ctx.font = theme.font.replace(/^\s*([\d.]+)px/, (_m, px: string) => `${Number(px) * devicePixelRatio}px`);
          ctx.textAlign = 'right';
          ctx.textBaseline = 'bottom';
          ctx.fillText(`${limit.name} limit ${format(limit.value)}`, left + width - 4 * devicePixelRatio, y - 2 * devicePixelRatio);
          ctx.restore();
        }
      },
    },
  };
}

/** A box by the cursor with the time and each run's value there. */
function tooltipPlugin(kind: 'cpu' | 'memory', runs: Run[]): uPlot.Plugin {
  const tip = el('div', { className: 'tooltip' });
  tip.hidden = true;
  const format = kind === 'cpu' ? formatPercent : formatMB;
  return {
    hooks: {
      init: (u) => {
        u.over.append(tip);
      },
      setCursor: (u) => {
        const i = u.cursor.idx;
        const left = u.cursor.left ?? -1;
        if (i === null || i === undefined || left < 0) {
          tip.hidden = true;
          return;
        }
        const rows: HTMLElement[] = [el('div', { className: 'tooltip-time' }, clock(u.data[0][i] * 1000, true))];
        runs.forEach((run, k) => {
          const v = u.data[k + 1][i];
          if (v === null || v === undefined) return;
          const swatch = el('span', { className: 'swatch' });
          swatch.style.borderTopColor = colorOf(run);
          swatch.style.borderTopStyle = dashOf(run).length ? 'dashed' : 'solid';
          rows.push(el('div', { className: 'tooltip-row' }, swatch, el('span', { className: 'name' }, run.label), el('span', { className: 'value' }, format(v))));
        });
        if (rows.length === 1) {
          tip.hidden = true;
          return;
        }
        tip.replaceChildren(...rows);
        tip.hidden = false;
        // Beside the cursor, flipped to its left near the right edge.
        const overWidth = u.over.clientWidth;
        const flip = left > overWidth / 2;
        tip.style.left = flip ? '' : `${left + 12}px`;
        tip.style.right = flip ? `${overWidth - left + 12}px` : '';
        tip.style.top = `${Math.max(0, (u.cursor.top ?? 0) - 10)}px`;
      },
    },
  };
}

function options(kind: 'cpu' | 'memory', runs: Run[], width: number): uPlot.Options {
  const axis = (values: (v: number) => string): uPlot.Axis => ({
    stroke: theme.text,
    font: theme.font,
    grid: { stroke: theme.grid, width: 1 },
    ticks: { stroke: theme.grid, width: 1 },
    values: (_u, splits) => splits.map((v) => (v == null ? '' : values(v))),
  });
  return {
    width,
    height: chartHeight(),
    legend: { show: false },
    plugins: [thresholdPlugin(kind, runs), tooltipPlugin(kind, runs)],
    // Room on the right for half of the label of a tick at the very end of the axis.
    padding: [null, Math.ceil(labelWidth() / 2) + 4, null, null],
    cursor: { drag: { x: false, y: false }, points: { show: false } },
    scales: {
      x: {
        time: true,
        range: () => {
          const to = now() / 1000;
          return [to - state.windowMin * 60, to];
        },
      },
      y: {
        // The limits stay in view: a line over its threshold is seen against it.
        range: (_u, _min, max) => {
          const top = Math.max(max ?? 0, ...limitsOf(kind, runs).map((l) => l.value));
          return [0, kind === 'cpu' ? niceMax(top, 5) : niceMax(top, 16)];
        },
      },
    },
    axes: [
      {
        stroke: theme.text,
        font: theme.font,
        grid: { stroke: theme.grid, width: 1 },
        ticks: { stroke: theme.grid, width: 1 },
        // One line of clock time ("11:22:50"), far enough apart not to touch.
        space: labelSpace(),
        values: (_u, splits, _axis, _space, incr) => splits.map((s) => clock(s * 1000, incr < 60)),
        label: 'time (local)',
        labelFont: theme.font,
        labelSize: 20,
      },
      {
        ...axis(kind === 'cpu' ? formatPercent : formatMB),
        size: 76,
        label: kind === 'cpu' ? 'CPU, % of one core' : 'resident memory (MiB)',
        labelFont: theme.font,
        labelSize: 20,
      },
    ],
    series: [
      {},
      ...runs.map((r) => ({
        label: r.label,
        stroke: colorOf(r),
        width: 2,
        dash: dashOf(r),
        points: { show: false },
        spanGaps: false,
      })),
    ],
  };
}

/** "11:22:50", or "11:22" when the ticks are whole minutes apart, in the user's locale. */
function clock(ms: number, seconds: boolean): string {
  return new Date(ms).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: seconds ? '2-digit' : undefined });
}

/** The width of the widest clock label in this locale and font. */
function labelWidth(): number {
  if (!probe) return 72;
  probe.font = theme.font;
  return Math.ceil(probe.measureText(clock(new Date(2020, 0, 1, 23, 59, 58).getTime(), true)).width);
}

/** The x axis's tick spacing: a label and a gap. */
function labelSpace(): number {
  return labelWidth() + 28;
}

function chartData(kind: 'cpu' | 'memory', runs: Run[]): uPlot.AlignedData {
  const to = now();
  const from = to - state.windowMin * 60_000;
  return align(runs, from, to, kind === 'cpu' ? (r, i) => r.cpu[i] : (r, i) => r.mem[i] / MB) as uPlot.AlignedData;
}

/** Half the height left below the charts' top, less their headings: the two charts fill the panel. */
function chartHeight(): number {
  const top = charts.getBoundingClientRect().top + window.scrollY;
  const heading = cpuBox.box.querySelector('h2')?.getBoundingClientRect().height ?? 20;
  const noteHeight = note.hidden ? 0 : note.getBoundingClientRect().height + 12;
  const free = window.innerHeight - top - noteHeight - 2 * (heading + 6 + 16) - 16;
  return Math.max(MIN_CHART_HEIGHT, Math.floor(free / 2));
}

function plotWidth(): number {
  return Math.max(240, Math.floor(cpuBox.plot.clientWidth || charts.clientWidth || 600));
}

function renderCharts(): void {
  const runs = visibleRuns();
  const key = runs.map((r) => `${r.runId}\u0000${r.label}\u0000${r.slot}\u0000${r.instance}\u0000${r.cpuLimit}\u0000${r.memLimit}`).join('\u0001');
  const width = plotWidth();
  if (!cpuChart || !memChart || key !== builtFor) {
    cpuChart?.destroy();
    memChart?.destroy();
    cpuChart = new uPlot(options('cpu', runs, width), chartData('cpu', runs), cpuBox.plot);
    memChart = new uPlot(options('memory', runs, width), chartData('memory', runs), memBox.plot);
    builtFor = key;
  } else {
    cpuChart.setData(chartData('cpu', runs));
    memChart.setData(chartData('memory', runs));
  }
  // For tests and screen readers: what is drawn, and where.
  let points = 0;
  for (const series of (cpuChart.data as (number | null)[][]).slice(1)) points += series.filter((v) => v !== null).length;
  app.dataset.points = String(points);
  const times = cpuChart.data[0] as number[];
  app.dataset.oldest = times.length === 0 ? '' : String(Math.round(times[0] * 1000));
  for (const [box, chart] of [[cpuBox.box, cpuChart], [memBox.box, memChart]] as const) {
    const b = chart.bbox;
    box.dataset.plot = [b.left, b.top, b.width, b.height].map(Math.round).join(',');
    box.dataset.colors = JSON.stringify(runs.map(colorOf));
  }
}

// ---- selector -------------------------------------------------------------------------------

function setHidden(hidden: string[]): void {
  state = { ...state, hidden };
  save();
  scheduleRender();
}

function save(): void {
  // Forget runs the webview no longer has, so the saved state stays small.
  state = { ...state, hidden: state.hidden.filter((id) => store.runs.has(id) || !received) };
  vscode.setState(state);
}

/** Rows are rebuilt only when the set of runs or a label changes; the figures update in place. */
let rowsFor = '';
const figures = new Map<string, HTMLElement>();

function renderRuns(): void {
  const runs = listed();
  const hidden = new Set(state.hidden);
  const key = runs.map((r) => `${r.runId}\u0000${r.label}\u0000${r.live}\u0000${hidden.has(r.runId)}`).join('\u0001');
  if (key !== rowsFor) {
    rowsFor = key;
    figures.clear();
    runList.replaceChildren(
      ...runs.map((run) => {
        const id = `run-${run.slot}`;
        const box = el('input', { type: 'checkbox', id, checked: !hidden.has(run.runId) });
        box.addEventListener('change', () => {
          const rest = state.hidden.filter((h) => h !== run.runId);
          setHidden(box.checked ? rest : [...rest, run.runId]);
        });
        const swatch = el('span', { className: 'swatch' });
        swatch.style.borderTopColor = colorOf(run);
        swatch.style.borderTopStyle = dashOf(run).length ? 'dashed' : 'solid';
        const figure = el('span', { className: 'figures' });
        figures.set(run.runId, figure);
        const output = el('button', { type: 'button', className: 'link', title: `Show the output of ${run.label}` }, 'output');
        output.addEventListener('click', () => vscode.postMessage({ type: 'showOutput', runId: run.runId }));
        const label = el('label', { htmlFor: id, title: run.label }, swatch, el('span', { className: 'name' }, run.label), run.live ? '' : el('span', { className: 'ended' }, 'ended'));
        const row = el('li', { className: run.live ? 'run' : 'run ended-run' }, box, label, figure, output);
        row.dataset.runId = run.runId;
        return row;
      }),
    );
  }
  for (const [runId, figure] of figures) {
    const last = store.latest(runId);
    figure.textContent = last ? `${formatPercent(last.cpu)} · ${formatMB(last.mem / MB)}` : '';
  }
  allButton.disabled = state.hidden.length === 0;
  noneButton.disabled = runs.length === 0 || runs.every((r) => hidden.has(r.runId));
}

function renderNote(): void {
  let text = '';
  if (!received) text = 'Waiting for data…';
  else if (!store.monitoring) text = 'CPU and memory sampling is not available, so the charts stay empty.';
  else if (store.runs.size === 0) text = 'Nothing has been sampled yet. Start a service or job: its CPU and memory show up here within a few seconds.';
  else if (visibleRuns().length === 0) text = 'No run is selected: tick one in the list.';
  note.textContent = text;
  note.hidden = text === '';
  const live = [...store.runs.values()].filter((r) => r.live).length;
  status.textContent = received && store.monitoring ? `${live} running · ${store.runs.size} sampled` : '';
}

// ---- updates --------------------------------------------------------------------------------

let frame = 0;
function scheduleRender(): void {
  if (frame) return;
  frame = requestAnimationFrame(() => {
    frame = 0;
    render();
  });
}

function render(): void {
  renderNote();
  renderRuns();
  renderCharts();
  app.dataset.state = received ? 'ready' : 'loading';
  app.dataset.monitoring = String(store.monitoring);
  app.dataset.runs = String(store.runs.size);
}

window.addEventListener('message', (event: MessageEvent) => {
  const parsed = parseHostMessage(event.data);
  if (!parsed.ok) {
    console.warn(`Dev Processes metrics: ignored a message: ${parsed.error}`);
    return;
  }
  store.apply(parsed.value);
  hostOffset = parsed.value.now - Date.now();
  received = true;
  if (parsed.value.type === 'snapshot') save();
  scheduleRender();
});

// The time axis moves on between updates while something runs (and only then).
setInterval(() => {
  if (received && [...store.runs.values()].some((r) => r.live)) scheduleRender();
}, 1000);

function resize(): void {
  const width = plotWidth();
  const height = chartHeight();
  for (const chart of [cpuChart, memChart]) if (chart && (chart.width !== width || chart.height !== height)) chart.setSize({ width, height });
}
new ResizeObserver(resize).observe(charts);
window.addEventListener('resize', resize);

// A theme change rewrites the CSS variables on <html> and the class of <body>: redraw in its colours.
new MutationObserver(() => {
  const next = readTheme();
  if (JSON.stringify(next) === JSON.stringify(theme)) return;
  theme = next;
  builtFor = '';
  rowsFor = '';
  scheduleRender();
}).observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
new MutationObserver(() => {
  theme = readTheme();
  builtFor = '';
  rowsFor = '';
  scheduleRender();
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });

render();
vscode.postMessage({ type: 'ready' });
