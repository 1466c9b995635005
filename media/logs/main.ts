// The "All Processes" log webview: every run's lines in time order with coloured prefixes,
// filtered by process, stream and search. Runs under the CSP set by src/ui/logView/logPanel.ts:
// no inline script or style. Only the visible rows are in the DOM (fixed row height), so 100,000
// lines cost what a screenful does; every message from the host is validated before use.
import { LogModel } from '../../src/shared/logModel';
import { parseHostMessage, type ViewMessage } from '../../src/shared/logsProtocol';
import { vscodeApi } from '../common/vscodeApi';
import { compileQuery, countText, FilterIndex, filtering, matchRanges, rowHtml, type Filters, type Query } from './filter';

interface ViewState {
  hidden: string[];
  stderrOnly: boolean;
  query: Query;
}

const vscode = vscodeApi<ViewMessage, ViewState>();
/** Prefix colours: the theme's terminal colours (CSS classes c0 ... c7 in main.css). */
const PALETTE_SIZE = 8;
/** How far a press may move and still count as a click on a prefix. */
const CLICK_SLOP_PX = 4;
/** Rows drawn above and below the visible ones, so a small scroll shows no gap. */
const OVERSCAN = 20;

/** The saved filters, or none: a webview's state is whatever a previous version stored. */
function readState(raw: unknown): ViewState {
  const s = (typeof raw === 'object' && raw !== null ? raw : {}) as Partial<Record<keyof ViewState, unknown>>;
  const q = (typeof s.query === 'object' && s.query !== null ? s.query : {}) as Partial<Record<keyof Query, unknown>>;
  return {
    hidden: Array.isArray(s.hidden) ? s.hidden.filter((x): x is string => typeof x === 'string') : [],
    stderrOnly: s.stderrOnly === true,
    query: { text: typeof q.text === 'string' ? q.text : '', regex: q.regex === true, caseSensitive: q.caseSensitive === true },
  };
}

let state = readState(vscode.getState());
const model = new LogModel();

// ---- layout ---------------------------------------------------------------------------------

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
}

function toggle(label: string, title: string, pressed: boolean, onChange: (on: boolean) => void): HTMLButtonElement {
  const b = el('button', { type: 'button', className: 'toggle', title }, label);
  b.setAttribute('aria-pressed', String(pressed));
  b.setAttribute('aria-label', title);
  b.addEventListener('click', () => {
    const on = b.getAttribute('aria-pressed') !== 'true';
    b.setAttribute('aria-pressed', String(on));
    onChange(on);
  });
  return b;
}

const app = document.getElementById('app') as HTMLElement;
app.replaceChildren();

const search = el('input', { type: 'search', className: 'search', placeholder: 'Search', value: state.query.text, spellcheck: false });
search.setAttribute('aria-label', 'Search the lines');
const caseToggle = toggle('Aa', 'Match case', state.query.caseSensitive, (on) => setQuery({ caseSensitive: on }));
const regexToggle = toggle('.*', 'Use regular expression', state.query.regex, (on) => setQuery({ regex: on }));
const queryError = el('span', { className: 'query-error', hidden: true });
queryError.setAttribute('role', 'alert');
const stderrToggle = toggle('stderr only', 'Show only lines written to stderr', state.stderrOnly, (on) => {
  state = { ...state, stderrOnly: on };
  filtersChanged();
});
stderrToggle.classList.add('wide');
const counts = el('span', { className: 'counts' });
counts.setAttribute('aria-live', 'polite');
const names = el('div', { className: 'names' });
names.setAttribute('role', 'group');
names.setAttribute('aria-label', 'Processes shown');
const notice = el('div', { className: 'notice', hidden: true });
const toolbar = el('div', { className: 'toolbar' }, el('span', { className: 'search-box' }, search, caseToggle, regexToggle), stderrToggle, queryError, counts);

const rows = el('div', { className: 'rows' });
const spacer = el('div', { className: 'spacer' }, rows);
const viewport = el('div', { className: 'viewport', tabIndex: 0 }, spacer);
viewport.setAttribute('aria-label', 'Log lines');
const empty = el('p', { className: 'empty' }, 'No output yet. Lines of every process appear here as they are written.');
const follow = el('button', { type: 'button', className: 'follow', hidden: true }, 'Follow new lines ↓');
app.append(toolbar, names, notice, el('div', { className: 'body' }, viewport, empty, follow));

search.addEventListener('input', () => setQuery({ text: search.value }));

// ---- filters --------------------------------------------------------------------------------

let compiled = compileQuery(state.query);

function currentFilters(): Filters {
  return { hidden: new Set(state.hidden), stderrOnly: state.stderrOnly, pattern: compiled.ok ? compiled.pattern : null };
}

const index = new FilterIndex(currentFilters(), model.sources);

function setQuery(change: Partial<Query>): void {
  state = { ...state, query: { ...state.query, ...change } };
  compiled = compileQuery(state.query);
  queryError.hidden = compiled.ok;
  queryError.textContent = compiled.ok ? '' : `Invalid regular expression: ${compiled.error}`;
  search.classList.toggle('invalid', !compiled.ok);
  filtersChanged();
}

function filtersChanged(): void {
  vscode.setState(state);
  index.rebuild(model.lines, currentFilters());
  following = true;
  renderNames();
  scheduleRender();
}

/** One chip per process name, in its colour: a click hides or shows that process's lines. */
function renderNames(): void {
  const byName = new Map<string, number>();
  for (const s of model.sources.values()) if (!byName.has(s.name)) byName.set(s.name, s.color);
  const hidden = new Set(state.hidden);
  const chips = [...byName].sort((a, b) => a[0].localeCompare(b[0])).map(([name, color]) => {
    const chip = el('button', { type: 'button', className: `chip c${color % PALETTE_SIZE}`, title: `Show or hide the lines of ${name}` }, name);
    chip.setAttribute('aria-pressed', String(!hidden.has(name)));
    chip.addEventListener('click', () => {
      const next = new Set(state.hidden);
      if (!next.delete(name)) next.add(name);
      state = { ...state, hidden: [...next] };
      filtersChanged();
    });
    return chip;
  });
  if (hidden.size > 0) {
    const all = el('button', { type: 'button', className: 'chip show-all' }, 'Show all');
    all.addEventListener('click', () => {
      state = { ...state, hidden: [] };
      filtersChanged();
    });
    chips.push(all);
  }
  names.replaceChildren(...chips);
  names.hidden = chips.length === 0;
}

// ---- rows -----------------------------------------------------------------------------------

/** The row height in pixels, read from the stylesheet (it follows the editor's font size). */
let rowHeight = 18;
function measureRowHeight(): void {
  const probe = el('div', { className: 'row' }, 'Xg');
  rows.append(probe);
  rowHeight = Math.max(1, Math.round(probe.getBoundingClientRect().height)) || 18;
  probe.remove();
}

/** True while the view shows the newest line: new lines then scroll into view. */
let following = true;
let renderQueued = false;
let drawnFrom = -1;
let drawnTo = -1;
let drawnKey = '';

function scheduleRender(): void {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    render();
  });
}

function labelWidth(): number {
  let longest = 0;
  for (const s of model.sources.values()) longest = Math.max(longest, s.label.length);
  return Math.min(longest, 32);
}

function render(): void {
  const total = index.count;
  spacer.style.height = `${total * rowHeight}px`;
  if (following) viewport.scrollTop = viewport.scrollHeight;
  const top = viewport.scrollTop;
  const from = Math.max(0, Math.floor(top / rowHeight) - OVERSCAN);
  const to = Math.min(total, Math.ceil((top + viewport.clientHeight) / rowHeight) + OVERSCAN);
  const key = `${model.lines.first}:${model.lines.end}:${total}`;
  // A scroll within the drawn rows, with nothing new, draws nothing.
  if (from >= drawnFrom && to <= drawnTo && key === drawnKey) return updateStatus();
  const lines = model.lines;
  const pattern = compiled.ok ? compiled.pattern : null;
  let html = '';
  for (let i = from; i < to; i++) {
    const j = lines.index(index.at(i));
    const text = lines.text[j];
    html += rowHtml({ ts: lines.ts[j], source: model.sources.get(lines.src[j]), stream: lines.stream[j], text, ranges: matchRanges(text, pattern), paletteSize: PALETTE_SIZE });
  }
  rows.style.transform = `translateY(${from * rowHeight}px)`;
  rows.innerHTML = html;
  drawnFrom = from;
  drawnTo = to;
  drawnKey = key;
  updateStatus();
}

function updateStatus(): void {
  const total = model.lines.size;
  const on = filtering(currentFilters());
  counts.textContent = countText(total, on ? index.count : undefined);
  empty.hidden = total > 0;
  follow.hidden = following || index.count === 0;
  const dropped = model.dropped;
  notice.hidden = dropped === 0;
  notice.textContent = dropped === 0 ? '' : `Showing the newest ${model.lines.limits.maxLines.toLocaleString('en-US')} lines at most: ${dropped.toLocaleString('en-US')} older lines were dropped.`;
  app.dataset.lines = String(total);
  app.dataset.matches = String(index.count);
  app.style.setProperty('--label-chars', String(labelWidth()));
  app.classList.toggle('with-ts', model.timestamps);
}

viewport.addEventListener('scroll', () => {
  following = viewport.scrollTop + viewport.clientHeight >= viewport.scrollHeight - rowHeight;
  scheduleRender();
});
follow.addEventListener('click', () => {
  following = true;
  scheduleRender();
});
new ResizeObserver(() => scheduleRender()).observe(viewport);

// A click on a prefix shows that run (its output, as Show Output in the tree would). Told by the
// press and its release, not by 'click': a view that follows new lines draws its rows again
// between the two, and the browser then sends no click. A release away from the press is a
// selection, not a click.
let pressed: { src: number; x: number; y: number } | undefined;
rows.addEventListener('mousedown', (event) => {
  const target = event.button === 0 && event.target instanceof Element ? event.target.closest('[data-src]') : null;
  pressed = target instanceof HTMLElement ? { src: Number(target.dataset.src), x: event.clientX, y: event.clientY } : undefined;
});
window.addEventListener('mouseup', (event) => {
  const press = pressed;
  pressed = undefined;
  if (!press || event.button !== 0 || Math.abs(event.clientX - press.x) > CLICK_SLOP_PX || Math.abs(event.clientY - press.y) > CLICK_SLOP_PX) return;
  const source = model.sources.get(press.src);
  if (source) vscode.postMessage({ type: 'showRun', runId: source.runId });
});

// ---- messages -------------------------------------------------------------------------------

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const parsed = parseHostMessage(event.data);
  if (!parsed.ok) {
    console.warn(`Dev Processes log view: ignored a message: ${parsed.error}`);
    return;
  }
  const message = parsed.value;
  const change = model.apply(message);
  if (change === 'reset') {
    index.rebuild(model.lines, currentFilters());
    drawnKey = '';
  } else {
    const gone = index.update(model.lines, change);
    // Someone reading older lines keeps them in place while the oldest are dropped.
    if (!following && gone > 0) viewport.scrollTop = Math.max(0, viewport.scrollTop - gone * rowHeight);
    if (message.type === 'lines') {
      if (message.sources.length > 0) renderNames();
      vscode.postMessage({ type: 'ack', batch: message.batch });
    }
  }
  app.dataset.state = 'ready';
  scheduleRender();
});

measureRowHeight();
setQuery({});
vscode.postMessage({ type: 'ready' });
