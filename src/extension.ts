import type { ChildProcess } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { AgentSocketServer } from './agents/agentSocket';
import { mcpLaunch } from './agents/mcpLaunch';
import { invokeTool } from './agents/tools';
import type { AgentContext } from './agents/types';
import { createApi, type DevProcessesApi } from './api/api';
import { AfterReturn } from './core/afterReturn';
import { ProcessEngine } from './engine/engine';
import { startMany } from './engine/groupActions';
import { createChildProcessLauncher, defaultPtyModules, editorPtyModules, HelperLauncher, SessionFile, type Launcher } from './platform/launcher';
import { MemoryGuard } from './engine/monitor/memoryGuard';
import { ProcessMonitor } from './engine/monitor/monitor';
import { FileRecordStore } from './platform/records';
import { registerAddToSettings } from './ui/addToSettings';
import { AlertNotifier } from './ui/alertNotifier';
import { DetectedSources } from './ui/detectedSources';
import { registerLanguageModelTools } from './ui/lmTools';
import { registerMcpProvider } from './ui/mcpProvider';
import { LogFiles } from './ui/logFiles';
import { OutputChannels } from './ui/outputChannels';
import { registerPanels } from './ui/panels';
import { DebugSessions } from './ui/debugSessions';
import { registerGroupCommands } from './ui/groupCommands';
import { FileWatchers } from './ui/fileWatch';
import { PortActions } from './ui/portActions';
import { ProfileStatus } from './ui/profileStatus';
import { ProblemsPanel } from './ui/problemsPanel';
import { ProcessTree } from './ui/processTree';
import { RecoveryNotices } from './ui/recoveryNotices';
import { carriedHistory, reconnectSession } from './ui/sessions';
import { readAlertLimits, readKeepRunningOnReload, readMonitorIntervalMs, readReconnectGraceMs, readSettingsTogether, readStopTimeoutMs } from './ui/settings';
import { SettingsDiagnostics } from './ui/settingsDiagnostics';
import { registerSettingsQuickFixes } from './ui/settingsQuickFixes';
import { SettingsWatcher } from './ui/settingsWatcher';
import { StatusBar } from './ui/statusBar';
import { registerTaskProvider } from './ui/taskProvider';
import { TerminalViews } from './ui/terminalView';
import { registerTreeCommands } from './ui/treeCommands';
import { registerTreeGrouping } from './ui/treeGrouping';

let engine: ProcessEngine | undefined;
let launcher: Launcher | undefined;
/** Writes what the next window needs of the runs left to the helper on a reload. */
let leaveHistory: (() => void) | undefined;

/**
 * Spawning from the extension host blocks every extension for the fork, longer the more memory
 * the host holds: a small helper process spawns instead. Without its script, spawn here rather than not at all.
 */
function createLauncher(session: SessionFile | undefined, started: ChildProcess | undefined): Launcher {
  // Our own node-pty first; the editor ships one too, a fallback should ours not load.
  const ptyModules = [...defaultPtyModules(), ...editorPtyModules(vscode.env.appRoot)];
  try {
    // Kept for a reconnecting window also when the host dies without deactivating (killed, crashed).
    const reconnectGraceMs = readKeepRunningOnReload() ? readReconnectGraceMs() : 0;
    const onSession = session && ((info: Parameters<SessionFile['write']>[0]) => session.write(info));
    return new HelperLauncher({ ptyModules, reconnectGraceMs, stopGraceMs: Math.min(readStopTimeoutMs(), 3000), onSession, started });
  } catch (err) {
    started?.kill('SIGKILL');
    console.warn('Dev Processes: the launcher helper is missing; spawning from the extension host', err);
    return createChildProcessLauncher({ ptyModules });
  }
}

/** The MCP server's way into this window; without it (a temp directory we cannot use) the chat's tools still work. */
function listenForAgents(agents: AgentContext, endpointFile: string): vscode.Disposable {
  try {
    return new AgentSocketServer((tool, input, signal) => invokeTool(agents, tool, input, signal), endpointFile);
  } catch (err) {
    console.warn('Dev Processes: the MCP server cannot reach this window', err);
    return { dispose() {} };
  }
}

/**
 * `started`: the launcher helper src/start.ts started before this bundle loaded, for the launcher
 * to take over. Settles once the registrations handed to `later` are made too (see AfterReturn):
 * every command is registered, and the tree and the status bar are made, before it returns.
 */
export function activate(context: vscode.ExtensionContext, started?: ChildProcess): Promise<DevProcessesApi> {
  const later = new AfterReturn();
  context.subscriptions.push(later);
  try {
    const api = readSettingsTogether(() => wire(context, started, later));
    return later.done.then(() => api);
  } catch (err) {
    // A failed activation makes none of the later registrations.
    later.dispose();
    throw err;
  }
}

function wire(context: vscode.ExtensionContext, started: ChildProcess | undefined, later: AfterReturn): DevProcessesApi {
  // Running processes are written down in the workspace's storage, so a window that crashed
  // leaves records the next activation adopts instead of orphans nobody knows about.
  const records = context.storageUri && new FileRecordStore(path.join(context.storageUri.fsPath, 'processes.json'));
  // Where this window's launcher helper can be found by the next window, after a reload.
  const session = context.storageUri && new SessionFile(path.join(context.storageUri.fsPath, 'session.json'));
  launcher = createLauncher(session, started);
  const fileWatchers = new FileWatchers();
  const current = new ProcessEngine({
    launcher,
    fileWatcher: fileWatchers,
    stopTimeoutMs: readStopTimeoutMs(),
    defaultCwd: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? os.homedir(),
    records,
  });
  engine = current;

  const changed = new vscode.EventEmitter<void>();
  const channels = new OutputChannels(current);
  const logFiles = new LogFiles(current, path.join((context.storageUri ?? context.globalStorageUri).fsPath, 'logs'));
  context.subscriptions.push(fileWatchers.attach(current, () => [logFiles.directory]));
  const monitor = new ProcessMonitor(current, { intervalMs: readMonitorIntervalMs(), globalLimits: readAlertLimits() });
  const history = carriedHistory(context.storageUri && path.join(context.storageUri.fsPath, 'metrics-history.json'), current, monitor);
  leaveHistory = history.save;
  const memoryGuard = new MemoryGuard({
    onDidRaise: monitor.onDidRaise,
    onDidSample: monitor.onDidSample,
    recycle: (runId, reason) => current.recycle(runId, reason),
  });
  const problems = new ProblemsPanel(current);
  const debugSessions = new DebugSessions(current);
  const tree = new ProcessTree(current, monitor, problems, debugSessions);
  const diagnostics = new SettingsDiagnostics();
  const detected = new DetectedSources();
  const watcher = new SettingsWatcher(current, tree, diagnostics, context.workspaceState, detected);
  context.subscriptions.push(
    monitor,
    memoryGuard,
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('devProcesses.monitor.intervalMs')) monitor.setIntervalMs(readMonitorIntervalMs());
      if (e.affectsConfiguration('devProcesses.alerts')) monitor.setGlobalLimits(readAlertLimits());
    }),
    changed,
    current.onDidChange(() => changed.fire()),
    channels,
    problems,
    logFiles,
    new TerminalViews(current),
    new PortActions(current),
    tree,
    debugSessions,
    diagnostics,
    detected,
    watcher,
    registerAddToSettings(detected),
    registerTreeCommands(current, channels, () => watcher.problems),
    registerGroupCommands(current),
    registerTreeGrouping(tree, context.workspaceState),
    new StatusBar(current, monitor),
    new ProfileStatus(current, watcher.profiles, () => watcher.reload()),
    ...registerPanels(context.extensionUri, current, monitor),
  );
  context.subscriptions.push(new AlertNotifier(monitor, current));
  const agents: AgentContext = {
    engine: current,
    settingsProblems: () => watcher.problems,
    detectedProblems: () => watcher.detectedProblems,
    outputProblems: () => problems.all(),
    trusted: () => vscode.workspace.isTrusted,
    now: Date.now,
  };
  // The MCP server reaches this window through the socket named in the endpoint file.
  const endpointFile = path.join((context.storageUri ?? context.globalStorageUri).fsPath, 'agent-endpoint.json');
  const mcp = mcpLaunch(context.extensionPath, endpointFile);
  // Once activation has returned, what no first paint needs: the providers (the editor asks a tool,
  // the MCP server or the tasks only once activation has settled, and the quick fixes with a
  // diagnostic it has yet to receive), the agents' socket (no agent can reach it before the
  // window is up) and the settings files' watcher.
  later.add(() => registerLanguageModelTools(agents));
  later.add(() => registerMcpProvider(context, mcp));
  later.add(() => registerTaskProvider(current, () => watcher.problems));
  later.add(() => registerSettingsQuickFixes(diagnostics));
  later.add(() => listenForAgents(agents, endpointFile));
  later.add(() => watcher.watchSettingsFiles());
  const notices = new RecoveryNotices(current);
  context.subscriptions.push(notices);

  watcher.reload();
  // The project's files are read after activation returns: the first paint shows the settings' definitions.
  const detecting = setTimeout(() => void detected.refresh(), 0);
  context.subscriptions.push({ dispose: () => clearTimeout(detecting) });
  // An untrusted workspace's own definitions are never read (restrictedConfigurations), and
  // nothing starts by itself until the user trusts it.
  const autoStart = () => {
    if (!vscode.workspace.isTrusted) return;
    startMany(current, watcher.profiles.startOnOpen(current.definitions())).catch((err) => void vscode.window.showErrorMessage(`Dev Processes: ${err.message}`));
  };
  context.subscriptions.push(
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      watcher.reload();
      autoStart();
    }),
  );
  // Runs the previous window left to the helper come back first; the records adopt what is left.
  const begin = () => {
    const adoptedSince = Date.now();
    const adopted = current.adoptSurvivors();
    void notices.adopted(adopted);
    void logFiles.restoreAdopted(adopted, adoptedSince);
    autoStart();
    // A workspace with definitions will likely start one: the helper starts now, in the background,
    // instead of on that first start's path (after the reconnect, which takes over a helper instead).
    setImmediate(() => helper instanceof HelperLauncher && current.definitions().length > 0 && helper.prepare());
  };
  const helper = launcher;
  if (session?.read() && helper instanceof HelperLauncher) void reconnectSession(helper, current, session, { onRuns: (runs) => (logFiles.reconnected(runs), history.restore()), warn: (message) => void vscode.window.showWarningMessage(message) }).catch(() => []).finally(begin);
  else begin();
  return createApi(current, monitor, () => watcher.problems, changed.event, () => mcp);
}

/**
 * With `keepRunningOnReload`, leaves the running processes to the launcher helper, which keeps
 * them for the next window (or stops them after the grace); else stops every process within VS
 * Code's shutdown budget. Either way no orphans on reload or close.
 */
export async function deactivate(): Promise<void> {
  const stopping = engine;
  const helper = launcher;
  engine = undefined;
  launcher = undefined;
  if (helper instanceof HelperLauncher && readKeepRunningOnReload()) {
    leaveHistory?.();
    stopping?.flushRecords();
    helper.release(readReconnectGraceMs());
    return;
  }
  await stopping?.shutdown(Math.min(stopping.stopTimeoutMs, 3000));
  if (helper instanceof HelperLauncher) helper.dispose();
}
