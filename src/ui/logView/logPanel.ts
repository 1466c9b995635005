import * as vscode from 'vscode';
import { Disposable } from '../../core/dispose';
import type { TimestampMode } from '../../config/outputFields';
import type { ProcessEngine } from '../../engine/engine';
import { LogModel } from '../../shared/logModel';
import { parseViewMessage, type HostMessage, type ViewMessage } from '../../shared/logsProtocol';
import { CommandIds } from '../commandIds';
import { formatTimestamp } from '../timestamps';
import { onValidMessage, webviewHtml } from '../webviewPage';
import { LogFeed } from './logFeed';

/** One line as the webview holds it, for a test or another extension to read. */
export interface LogViewRow {
  runId: string;
  /** The definition's name (or an ad-hoc run's command line). */
  name: string;
  /** The prefix shown: `name`, or `name#1` for a replica. */
  label: string;
  stream: 'stdout' | 'stderr' | 'system';
  text: string;
  at: number;
}

/** What `devProcesses.showAllLogs` resolves to: a read-only view of what the webview was sent. */
export interface LogViewProbe {
  /** Every line sent to the webview, in the order it shows them. */
  rows(): LogViewRow[];
}

const STREAM_NAMES = ['stdout', 'stderr', 'system'] as const;

/** `devProcesses.output.timestamps` as the feed's formatter; none for "none". */
function timestampFormat(mode: TimestampMode): ((at: number) => string) | undefined {
  return mode === 'none' ? undefined : (at) => formatTimestamp(at, mode);
}

/**
 * "All Processes": every run's lines merged in time order in one webview. The host keeps the
 * lines (bounded) while the panel is open, also when it is hidden; the webview is not kept alive
 * while hidden and gets every kept line again when it shows. Filtering and drawing happen in
 * the webview, which holds the same lines in compact arrays and draws only the visible rows.
 */
export class LogPanel extends Disposable {
  static readonly viewType = 'devProcesses.allLogs';
  static readonly title = 'Dev Processes: All Processes';
  private static current: LogPanel | undefined;

  private readonly feed: LogFeed;
  /** Built on the first probe: the webview's model, rebuilt from the messages posted. */
  private mirror: LogModel | undefined;

  /** `readTimestamps` reads `devProcesses.output.timestamps` (the settings' reader stays out of the panel's code, loaded on first use). */
  static createOrShow(extensionUri: vscode.Uri, engine: ProcessEngine, readTimestamps: () => TimestampMode): LogPanel {
    if (LogPanel.current) {
      LogPanel.current.panel.reveal();
      return LogPanel.current;
    }
    const media = vscode.Uri.joinPath(extensionUri, 'media');
    const panel = vscode.window.createWebviewPanel(LogPanel.viewType, LogPanel.title, vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [media],
      retainContextWhenHidden: false,
    });
    LogPanel.current = new LogPanel(panel, media, engine, readTimestamps);
    return LogPanel.current;
  }

  static disposeCurrent(): void {
    LogPanel.current?.panel.dispose();
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    media: vscode.Uri,
    private readonly engine: ProcessEngine,
    readTimestamps: () => TimestampMode,
  ) {
    super();
    panel.iconPath = vscode.Uri.joinPath(media, 'processes.svg');
    this.feed = this._register(new LogFeed(engine, { post: (m) => this.post(m), formatTime: timestampFormat(readTimestamps()) }));
    this._register(panel.onDidDispose(() => this.dispose()));
    this._register(onValidMessage(panel.webview, parseViewMessage, 'log view', (m) => this.handle(m)));
    this._register(
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.feed.pause();
      }),
    );
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('devProcesses.output.timestamps')) this.feed.setFormatTime(timestampFormat(readTimestamps()));
      }),
    );
    panel.webview.html = webviewHtml(panel.webview, media, 'logs', LogPanel.title);
  }

  /** A read-only view of what the webview was sent; the first call has everything sent again. */
  probe(): LogViewProbe {
    return {
      rows: () => {
        if (!this.mirror) {
          this.mirror = new LogModel();
          this.feed.flush();
          if (this.panel.visible) this.feed.resend();
        }
        return this.mirror.rows().map((r) => ({ ...r, stream: STREAM_NAMES[r.stream] ?? 'stdout' }));
      },
    };
  }

  private handle(message: ViewMessage): void {
    switch (message.type) {
      case 'ready':
        this.feed.resend();
        break;
      case 'ack':
        this.feed.acknowledge(message.batch);
        break;
      case 'showRun':
        this.showRun(message.runId);
        break;
    }
  }

  /**
   * A click on a line's prefix shows that run's own output (the same as Show Output on its row in
   * the tree); a run no longer listed shows its definition's latest. Only runs the view was sent.
   */
  private showRun(runId: string): void {
    const name = this.feed.sourceByRun(runId)?.name;
    if (name === undefined) {
      console.warn(`Dev Processes: the log view asked for an unknown run ${JSON.stringify(runId).slice(0, 80)}`);
      return;
    }
    const target = this.engine.get(runId)?.id === runId ? runId : name;
    vscode.commands.executeCommand(CommandIds.showOutput, target).then(undefined, (err: unknown) => {
      void vscode.window.showErrorMessage(`Dev Processes: ${err instanceof Error ? err.message : String(err)}`);
    });
  }

  private post(message: HostMessage): void {
    this.mirror?.apply(message);
    this.panel.webview.postMessage(message).then(undefined, (err: unknown) => console.warn('Dev Processes: posting to the log view failed', err));
  }

  override dispose(): void {
    if (this.isDisposed) return;
    if (LogPanel.current === this) LogPanel.current = undefined;
    super.dispose();
    this.panel.dispose();
  }
}
