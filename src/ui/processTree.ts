import * as vscode from 'vscode';
import { Disposable } from '../core/dispose';
import type { ProcessEngine } from '../engine/engine';
import type { MonitorApi } from '../engine/monitor/types';
import type { ProcessSnapshot } from '../engine/run/snapshot';
import type { DefinitionError, ProcessSpec, RunState } from '../core/types';
import { CommandIds } from './commandIds';
import { ADHOC_CONTEXT, definitionContext, PROBLEM_CONTEXT, runContext } from './contextValues';
import { isLive, isTicking } from './format';
import { formatUsage } from './monitorFormat';
import { definitionSummary, definitionTooltip, formatProblemCounts, isReplicated, relativePaths, runRowDescription, runRowLabel, watchNotes } from './treeFormat';
import type { ProblemCounts } from '../core/problemMatchers';
import type { DetectProblem } from '../config/detected/types';
import { DetectedItem, DetectedProblemItem, DetectedSourceItem, detectedSourceItems } from './detectedTree';
import { GroupItem, groupRows, rowIdInGroup } from './groupTree';
import { fillTickStamp, sameStamp } from './tickStamp';
import { HoverHold } from './hoverHold';

/** What a row shows: its label, description, icon, tooltip, menus and fold. */
function rowKey(item: vscode.TreeItem): string {
  const tooltip = item.tooltip instanceof vscode.MarkdownString ? item.tooltip.value : item.tooltip;
  return JSON.stringify([item.label, item.description, item.iconPath, tooltip, item.contextValue, item.collapsibleState]);
}

/** Which rows a part of the tree has, in order: ids, and the whole text of a row without one. */
function childKeys(children: vscode.TreeItem[]): string {
  return JSON.stringify(children.map((child) => child.id ?? rowKey(child)));
}

function isFinal(run: ProcessSnapshot): boolean {
  return run.state === 'completed' || run.state === 'failed' || run.state === 'terminated';
}

/** The workspace folders' paths, for paths written relative to them. */
export function workspaceFolders(): string[] {
  return vscode.workspace.workspaceFolders?.map((f) => f.uri.fsPath) ?? [];
}

/** A definition row; commands given it act on the definition (its latest run). */
export class DefinitionItem extends vscode.TreeItem {
  constructor(
    readonly name: string,
    readonly spec: ProcessSpec | undefined,
    readonly runs: ProcessSnapshot[],
    now: number,
    usage?: string,
    /** The group whose row it is under, in the view by group. */
    readonly group?: string,
  ) {
    const pending = runs.some((r) => !isFinal(r));
    // Rows of past runs stay folded: the definition's summary already says how the last one ended.
    super(name, runs.length === 0 ? vscode.TreeItemCollapsibleState.None : pending ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
    const latest = runs[0];
    const live = runs.some(isLive);
    // The id changes with the fold: VS Code applies a collapsible state only to an id it has not seen.
    this.id = `definition:${name}:${runs.length === 0 ? 'none' : pending ? 'runs' : 'past'}`;
    if (group !== undefined) this.id = rowIdInGroup(group, this.id);
    this.contextValue = definitionContext(live, spec?.kind, latest?.state === 'failed', spec?.source !== undefined);
    this.description = definitionSummary(runs, now);
    if (!spec) this.description = `removed from settings · ${this.description}`;
    if (usage) this.description = `${this.description} · ${usage}`;
    // "stale: build failed" first: the row's news, in a narrow sidebar too.
    if (latest?.watch?.message) this.description = `${latest.watch.message} · ${this.description}`;
    this.iconPath = latest ? stateIcon(latest.state) : new vscode.ThemeIcon(spec?.kind === 'job' ? 'tools' : 'server-process');
  }

  /** Made when VS Code asks (a hover, see resolveTreeItem), not with every redraw of the row. */
  tooltipNow(): vscode.MarkdownString {
    const latest = this.runs[0];
    // Escaped text only, and no command links, HTML or theme icons: a name or an error message
    // must not turn into a link or an image.
    const tooltip = new vscode.MarkdownString(definitionTooltip(this.name, this.spec, latest?.error?.message, workspaceFolders(), process.env, watchNotes(latest?.watch, Date.now())), false);
    tooltip.isTrusted = false;
    tooltip.supportHtml = false;
    return tooltip;
  }
}

/** A run row; commands given it act on that very run. */
export class RunItem extends vscode.TreeItem {
  constructor(readonly run: ProcessSnapshot, now: number, usage?: string, replicated = false, debugging = false, group?: string) {
    super(runRowLabel(run, replicated));
    this.id = group === undefined ? `run:${run.id}` : rowIdInGroup(group, `run:${run.id}`);
    this.contextValue = runContext(run.state, run.ports.length > 0);
    this.description = runRowDescription(run, now);
    if (debugging) this.description = `${this.description} · debugging`;
    if (usage) this.description = `${this.description} · ${usage}`;
    this.iconPath = stateIcon(run.state);
    this.command = { command: CommandIds.showOutput, title: 'Show Output', arguments: [this] };
  }

  /** Made when VS Code asks (a hover, see resolveTreeItem), not with every redraw of the row. */
  tooltipNow(): string {
    const run = this.run;
    return [
      relativePaths(run.commandLine, workspaceFolders()),
      run.executable && `${run.commandLine.split(' ')[0]} → ${run.executable}`,
      run.error?.message ?? run.hint,
      run.health?.message && `Health: ${run.health.message}`,
      run.lastRecovery && `Recovery: ${run.lastRecovery.strategy} (${run.lastRecovery.reason})`,
    ]
      .filter(Boolean)
      .join('\n');
  }
}

/** A row for a broken settings entry: the other entries keep working. */
export class ProblemItem extends vscode.TreeItem {
  constructor(readonly problem: DefinitionError) {
    super(problem.name ?? problem.setting ?? (problem.index >= 0 ? `devProcesses.tasks[${problem.index}]` : 'devProcesses.tasks'));
    this.contextValue = PROBLEM_CONTEXT;
    // The label names the entry already: the message's own "Task "web": " is not repeated.
    this.description = problem.message.replace(/^(Task "[^"]*"|devProcesses\.tasks(\[\d+\])?)( in [^:]*)?: /, '');
    this.tooltip = problem.message;
    // The severity the Problems panel gives it.
    this.iconPath = problem.syntax
      ? new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground'))
      : new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
    this.command = { command: CommandIds.openSettings, title: 'Open Settings', arguments: [] };
  }
}

/** The ad-hoc command lines the user ran, grouped under one row. */
export class AdhocGroupItem extends vscode.TreeItem {
  constructor(readonly runs: ProcessSnapshot[]) {
    super('Command lines', vscode.TreeItemCollapsibleState.Expanded);
    this.id = 'adhoc';
    this.contextValue = ADHOC_CONTEXT;
    this.iconPath = new vscode.ThemeIcon('terminal');
  }
}

type Node = DefinitionItem | RunItem | ProblemItem | AdhocGroupItem | DetectedItem | DetectedSourceItem | DetectedProblemItem | GroupItem;

const icons: Record<RunState, [string, string | undefined]> = {
  queued: ['clock', undefined],
  starting: ['loading~spin', undefined],
  running: ['play-circle', 'testing.iconPassed'],
  stopping: ['loading~spin', 'testing.iconQueued'],
  backoff: ['history', 'problemsWarningIcon.foreground'],
  completed: ['pass', 'testing.iconPassed'],
  failed: ['error', 'testing.iconFailed'],
  terminated: ['circle-slash', 'disabledForeground'],
};

function stateIcon(state: RunState): vscode.ThemeIcon {
  const [id, color] = icons[state];
  return new vscode.ThemeIcon(id, color ? new vscode.ThemeColor(color) : undefined);
}

/** The sidebar tree: definitions with their runs, ad-hoc command lines, settings problems. */
export class ProcessTree extends Disposable implements vscode.TreeDataProvider<Node> {
  private readonly changed = this._register(new vscode.EventEmitter<Node | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private problems: DefinitionError[] = [];
  private detectedProblems: readonly DetectProblem[] = [];
  private readonly view: vscode.TreeView<Node>;
  private ticker: NodeJS.Timeout | undefined;
  private refreshQueued = false;
  private readonly items = new Map<string, Node>();
  /** What VS Code last got of each row (see rowKey), so that the ticker redraws only rows that changed. */
  private readonly shown = new Map<string, string>();
  /** The children VS Code last got of each row ('' for the top), as childKeys. */
  private readonly provided = new Map<string, string>();
  /** The same children, the rows themselves, for the ticker to walk. */
  private readonly providedRows = new Map<string, Node[]>();
  /** Each ticking definition row's moving text, as the ticker last saw it (see movingText), and what it was made of (see fillTickStamp). */
  private readonly ticked = new Map<string, { text: string; runs: readonly ProcessSnapshot[]; stamp: number[] }>();
  private readonly stampScratch: number[] = [];
  private readonly latestSample = (runId: string) => this.monitor?.latest(runId);
  /** Definitions under a row per group (see setGrouped). */
  private grouped = false;
  /** Long enough to read a tooltip; the row's uptime stands still that long at most. */
  private readonly hoverHold = new HoverHold(10_000);

  constructor(
    private readonly engine: ProcessEngine,
    private readonly monitor?: MonitorApi,
    private readonly problemCounts?: { countsOf(runId: string): ProblemCounts; onDidChange: vscode.Event<void> },
    /** Which runs have a debug session attached (see DebugSessions). */
    private readonly debugging?: { isDebugging(runId: string): boolean; onDidChange: vscode.Event<void> },
  ) {
    super();
    if (problemCounts) this._register(problemCounts.onDidChange(() => this.refresh()));
    if (debugging) this._register(debugging.onDidChange(() => this.refresh()));
    this.view = this._register(vscode.window.createTreeView('devProcesses.processes', { treeDataProvider: this, showCollapseAll: true }));
    this._register(engine.onDidChange(() => this.refresh()));
    this._register(this.view.onDidChangeVisibility(() => this.updateTicker()));
    this._register({ dispose: () => clearInterval(this.ticker) });
  }

  /** Shows the definitions under a row per group (a definition in two groups under both), or as one list. */
  setGrouped(grouped: boolean): void {
    this.grouped = grouped;
    this.refresh();
  }

  setProblems(problems: DefinitionError[], detectedProblems: readonly DetectProblem[] = []): void {
    this.problems = problems;
    this.detectedProblems = detectedProblems;
    this.refresh();
  }

  /** Coalesces bursts of engine events into one redraw. */
  refresh(): void {
    if (this.refreshQueued) return;
    this.refreshQueued = true;
    setTimeout(() => {
      this.refreshQueued = false;
      this.redraw();
      this.updateTicker();
    }, 50);
  }

  /**
   * Redraws only the rows that read differently, and a part of the tree only where its rows came
   * or went. While VS Code redraws a part it forgets that part's rows, and a click on a row's
   * action in that moment reaches the command without its row (a Start that opens a picker).
   */
  private redraw(): void {
    const changed: Node[] = [];
    if (!this.collectChanged(undefined, changed)) return this.changed.fire(undefined);
    for (const node of changed) this.changed.fire(node);
  }

  /** Adds the rows under `parent` that changed to `changed`; false when the rows themselves differ from what VS Code has. */
  private collectChanged(parent: Node | undefined, changed: Node[]): boolean {
    const before = this.provided.get(parent?.id ?? '');
    // Rows VS Code never asked for are not shown: nothing to redraw.
    if (before === undefined) return true;
    const children = this.rows(parent);
    if (childKeys(children) !== before) return false;
    for (const child of children) {
      if (child.id === undefined) continue; // its key holds its text: unchanged
      // A row's redraw fetches its rows again, so only unchanged rows are looked into.
      if (this.shown.get(child.id) !== rowKey(child) || !this.collectChanged(child, changed)) changed.push(child);
    }
    return true;
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.id !== undefined) this.shown.set(node.id, rowKey(node));
    return node;
  }

  /**
   * A definition's or run's tooltip, on hover: building it (the masked command line, paths made
   * relative) with every redraw, and VS Code reading its markdown each time, was much of what a
   * view of many services allocated while their uptimes moved.
   */
  resolveTreeItem(item: vscode.TreeItem, node: Node): vscode.TreeItem {
    if (node instanceof DefinitionItem || node instanceof RunItem) item.tooltip = node.tooltipNow();
    if (node instanceof DefinitionItem) this.hoverHold.hovered(node.id, undefined, Date.now());
    else if (node instanceof RunItem) this.hoverHold.hovered(undefined, node.run.id, Date.now());
    return item;
  }

  /** VS Code's call: what it gets is remembered, for the next redraw to compare with. */
  getChildren(node?: Node): Node[] {
    const children = this.rows(node);
    if (node === undefined || node.id !== undefined) {
      this.provided.set(node?.id ?? '', childKeys(children));
      this.providedRows.set(node?.id ?? '', children);
    }
    return children;
  }

  /** The rows under `node` as they are now. */
  private rows(node?: Node): Node[] {
    return this.build(node).map((item) => this.stable(item));
  }

  /**
   * The same object for the same row across refreshes, updated in place: VS Code hands that
   * object to a row's actions, and a click during a redraw must not get a stale or missing one.
   */
  private stable(item: Node): Node {
    if (item.id === undefined) return item;
    const known = this.items.get(item.id);
    if (!known || known.constructor !== item.constructor) {
      this.items.set(item.id, item);
      return item;
    }
    for (const key of Object.keys(known) as (keyof Node)[]) if (!(key in item)) delete (known as Partial<Node>)[key];
    return Object.assign(known, item);
  }

  private build(node?: Node): Node[] {
    const now = Date.now();
    if (node instanceof DefinitionItem) return node.runs.map((r) => this.withProblems(new RunItem(r, now, this.usage([r]), isReplicated(r, node.spec), this.debugging?.isDebugging(r.id), node.group), [r]));
    if (node instanceof GroupItem) {
      const members = node.members.flatMap((name) => this.engine.definition(name) ?? []);
      return members.map((spec) => this.definitionItem(spec, [...node.runs], now, node.group));
    }
    if (node instanceof AdhocGroupItem) return node.runs.map((r) => new RunItem(r, now, this.usage([r])));
    if (node instanceof DetectedItem) return node.sources;
    if (node instanceof DetectedSourceItem) return [...node.problems, ...node.specs.map((spec) => this.definitionItem(spec, this.engine.list().reverse(), now))];
    if (node) return [];
    this.prune();
    const runs = this.engine.list().reverse(); // newest first
    const specs = this.engine.definitions();
    const names = new Set(specs.map((s) => s.name));
    // Problems first: an entry that cannot run is what needs doing.
    const items: Node[] = this.problems.map((p) => new ProblemItem(p));
    const own = specs.filter((spec) => spec.source === undefined);
    if (this.grouped) {
      const { groups, ungrouped } = groupRows(own, runs);
      items.push(...groups, ...ungrouped.map((spec) => this.definitionItem(spec, runs, now)));
    } else {
      items.push(...own.map((spec) => this.definitionItem(spec, runs, now)));
    }
    // Runs whose definition was removed stay visible until they end or are stopped.
    const orphaned = [...new Set(runs.filter((r) => !r.adhoc && !names.has(r.name) && isLive(r)).map((r) => r.name))];
    for (const name of orphaned) items.push(new DefinitionItem(name, undefined, runs.filter((r) => !r.adhoc && r.name === name), now));
    const detected = detectedSourceItems(specs, this.detectedProblems);
    if (detected.length > 0) items.push(new DetectedItem(detected));
    const adhoc = runs.filter((r) => r.adhoc);
    if (adhoc.length > 0) items.push(new AdhocGroupItem(adhoc));
    return items;
  }

  private definitionItem(spec: ProcessSpec, runs: ProcessSnapshot[], now: number, group?: string): DefinitionItem {
    const own = runs.filter((r) => !r.adhoc && r.name === spec.name);
    return this.withProblems(new DefinitionItem(spec.name, spec, own, now, this.usage(own), group), own);
  }

  /** Forgets rows of runs the engine no longer keeps (rows under a group included). */
  private prune(): void {
    const runIds = new Set(this.engine.list().map((r) => r.id));
    for (const [id, item] of this.items) {
      if (!(item instanceof RunItem) || runIds.has(item.run.id)) continue;
      this.items.delete(id);
      this.shown.delete(id);
      this.provided.delete(id);
      this.providedRows.delete(id);
    }
  }

  /** "12% CPU · 85 MiB" of the running runs given (summed), from the monitor's newest samples. */
  private usage(runs: ProcessSnapshot[]): string | undefined {
    if (!this.monitor) return undefined;
    return formatUsage(runs.filter((r) => r.state === 'running').map((r) => this.monitor!.latest(r.id)));
  }

  /** "3 errors" from the runs' output, first in the row's description: what needs doing, in a narrow sidebar too. */
  private withProblems<T extends DefinitionItem | RunItem>(item: T, runs: ProcessSnapshot[]): T {
    const problems = this.problemCounts && formatProblemCounts(runs.map((r) => this.problemCounts!.countsOf(r.id)));
    if (problems) item.description = `${problems} · ${String(item.description)}`;
    return item;
  }

  /**
   * Uptimes, countdowns and usage move: once a second while the view is visible, redraws the rows
   * that have a live run or a countdown, in place, when their text changed (an uptime past its
   * first minute moves once a minute). A whole-tree refresh every second would leave windows in
   * which a click on a row's action reaches the command without its row. The rows are walked as
   * VS Code last got them, and a definition's row is built again only when its moving text
   * changed: building every row (tooltips, masked command lines) each second was most of what
   * the view cost with many services idle.
   */
  private tick(): void {
    const now = Date.now();
    let runs: ProcessSnapshot[] | undefined;
    const visit = (nodes: readonly Node[]) => {
      for (const item of nodes) {
        if (item instanceof DefinitionItem) {
          if (item.id === undefined || !item.runs.some(isTicking) || this.hoverHold.holds(item.id, item.runs, now)) continue;
          const last = this.ticked.get(item.id);
          fillTickStamp(this.stampScratch, item.runs, now, this.latestSample);
          if (last?.runs === item.runs && sameStamp(last.stamp, this.stampScratch)) continue;
          const text = this.movingText(item, now);
          this.ticked.set(item.id, { text, runs: item.runs, stamp: [...this.stampScratch] });
          if (last?.text === text) continue;
          runs ??= this.engine.list().reverse();
          const fresh = item.spec
            ? this.definitionItem(item.spec, runs, now, item.group)
            : new DefinitionItem(item.name, undefined, runs.filter((r) => !r.adhoc && r.name === item.name), now);
          this.redrawIfChanged(this.stable(fresh));
        } else if (item instanceof AdhocGroupItem) {
          if (item.runs.some(isTicking) && !this.hoverHold.holds(undefined, item.runs, now)) this.redrawIfChanged(item);
        } else if (item.id !== undefined && (item instanceof GroupItem || item instanceof DetectedItem || item instanceof DetectedSourceItem)) {
          // Only the rows that tick: a redraw of the whole part would drop the row a context menu was opened on.
          visit(this.providedRows.get(item.id) ?? []);
        }
      }
    };
    visit(this.providedRows.get('') ?? []);
  }

  /** What of a definition's row and its run rows moves with the clock and the monitor's samples. */
  private movingText(item: DefinitionItem, now: number): string {
    const latest = item.runs[0];
    return [
      definitionSummary(item.runs, now),
      this.usage(item.runs),
      ...watchNotes(latest?.watch, now),
      ...item.runs.map((r) => `${runRowDescription(r, now)}\u0000${this.usage([r]) ?? ''}`),
    ].join('\u0000');
  }

  /** Redraws a row (and so its run rows) when it or one of its run rows reads differently from what VS Code shows. */
  private redrawIfChanged(row: Node): void {
    const rows = [row, ...this.rows(row)];
    if (rows.some((r) => r.id === undefined || this.shown.get(r.id) !== rowKey(r))) this.changed.fire(row);
  }

  private updateTicker(): void {
    const needed = this.view.visible && this.engine.list().some(isTicking);
    if (needed && !this.ticker) {
      this.ticker = setInterval(() => this.tick(), 1000);
    } else if (!needed && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }
}
