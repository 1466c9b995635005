import * as vscode from 'vscode';
import { Disposable } from '../core/dispose';
import { DisposableStore } from '../core/events';
import type { ProcessEngine } from '../engine/engine';
import type { MonitorApi } from '../engine/monitor/types';
import { parseViewMessage, type HostMessage, type ViewMessage } from '../shared/metricsProtocol';
import { Coalescer } from './coalesce';
import { CommandIds } from './commandIds';
import { isLive } from './format';
import { SampleBuffer, seriesFromHistories, type RunInfo } from './metricsData';
import { runLabel } from './monitorFormat';
import { isReplicated } from './treeFormat';
import { onValidMessage, webviewHtml } from './webviewPage';

/** At most two updates a second reach the webview, however often the monitor samples. */
export const UPDATE_INTERVAL_MS = 500;

/**
 * The live CPU and memory charts: one panel per window (createOrShow). The webview is not kept
 * alive while hidden (`retainContextWhenHidden: false`): a hidden panel holds no renderer and no
 * subscription; when it shows again its script reloads, says "ready" and gets a fresh snapshot.
 */
export class MetricsPanel extends Disposable {
  static readonly viewType = 'devProcesses.metrics';
  private static current: MetricsPanel | undefined;

  private readonly buffer = new SampleBuffer();
  private readonly updates = this._register(new Coalescer(() => this.sendUpdate(), UPDATE_INTERVAL_MS, UPDATE_INTERVAL_MS));
  /** Live only while the panel is visible and its script has said "ready". */
  private readonly subscriptions = this._register(new DisposableStore());
  private subscribed = false;
  private ready = false;

  static createOrShow(extensionUri: vscode.Uri, engine: ProcessEngine, monitor: MonitorApi | undefined): MetricsPanel {
    if (MetricsPanel.current) {
      MetricsPanel.current.panel.reveal();
      return MetricsPanel.current;
    }
    const media = vscode.Uri.joinPath(extensionUri, 'media');
    const panel = vscode.window.createWebviewPanel(
      MetricsPanel.viewType,
      'Dev Processes: Metrics',
      vscode.ViewColumn.Active,
      { enableScripts: true, localResourceRoots: [media], retainContextWhenHidden: false },
    );
    MetricsPanel.current = new MetricsPanel(panel, media, engine, monitor);
    return MetricsPanel.current;
  }

  /** Closes the panel, if open (on deactivation). */
  static disposeCurrent(): void {
    MetricsPanel.current?.panel.dispose();
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    media: vscode.Uri,
    private readonly engine: ProcessEngine,
    private readonly monitor: MonitorApi | undefined,
  ) {
    super();
    panel.iconPath = vscode.Uri.joinPath(media, 'processes.svg');
    this._register(panel.onDidDispose(() => this.dispose()));
    this._register(onValidMessage(panel.webview, parseViewMessage, 'metrics view', (m) => this.handle(m)));
    this._register(
      panel.onDidChangeViewState(() => {
        // Hidden: the webview is torn down; drop the subscription until its script says "ready" again.
        if (!panel.visible) this.pause();
      }),
    );
    panel.webview.html = webviewHtml(panel.webview, media, 'metrics', 'Dev Processes: Metrics');
  }

  private handle(message: ViewMessage): void {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.resume();
        this.sendSnapshot();
        break;
      case 'showOutput': {
        // Only runs the panel could have shown: the id comes from untrusted content.
        const run = this.engine.get(message.runId);
        const target = run?.id === message.runId ? run.id : this.monitor?.history().find((h) => h.runId === message.runId)?.name;
        if (target === undefined) {
          console.warn(`Dev Processes: the metrics view asked for the output of an unknown run ${JSON.stringify(message.runId).slice(0, 80)}`);
          return;
        }
        vscode.commands.executeCommand(CommandIds.showOutput, target).then(undefined, (err: unknown) => {
          void vscode.window.showErrorMessage(`Dev Processes: ${err instanceof Error ? err.message : String(err)}`);
        });
        break;
      }
    }
  }

  /** Subscribes to samples and run changes (idempotent). */
  private resume(): void {
    if (this.subscribed || this.isDisposed) return;
    this.subscribed = true;
    this.subscriptions.add(this.engine.onDidChange(() => this.updates.poke()));
    if (this.monitor) {
      this.subscriptions.add(
        this.monitor.onDidSample((samples) => {
          this.buffer.add(samples);
          this.updates.poke();
        }),
      );
    }
  }

  /** Costs nothing while nobody looks: no subscription, no timer, no buffered points. */
  private pause(): void {
    this.ready = false;
    this.subscribed = false;
    this.subscriptions.clear();
    this.updates.cancel();
    this.buffer.clear();
  }

  private info = (runId: string, name: string): RunInfo => {
    const run = this.engine.get(runId);
    const own = run?.id === runId ? run : undefined;
    const spec = own?.adhoc ? undefined : this.engine.definition(name);
    const limits = spec?.limits;
    return {
      label: runLabel(own, name, own !== undefined && isReplicated(own, spec)),
      live: own ? isLive(own) : false,
      instance: own?.instance ?? 0,
      cpuLimit: limits?.maxCpuPercent ?? null,
      memLimit: limits?.maxMemoryMB === undefined ? null : limits.maxMemoryMB * 1024 * 1024,
    };
  };

  private sendSnapshot(): void {
    const runs = this.monitor ? seriesFromHistories(this.monitor.history(), Date.now(), this.info) : [];
    this.buffer.clear();
    this.buffer.noteSent(runs);
    this.post({ type: 'snapshot', now: Date.now(), monitoring: this.monitor !== undefined, runs });
  }

  private sendUpdate(): void {
    if (!this.ready || !this.panel.visible) return;
    const runs = this.buffer.take(this.info);
    if (runs.length > 0) this.post({ type: 'update', now: Date.now(), runs });
  }

  private post(message: HostMessage): void {
    this.panel.webview.postMessage(message).then(undefined, (err: unknown) => console.warn('Dev Processes: posting to the metrics view failed', err));
  }

  override dispose(): void {
    if (this.isDisposed) return;
    if (MetricsPanel.current === this) MetricsPanel.current = undefined;
    this.pause();
    super.dispose();
    this.panel.dispose();
  }
}
