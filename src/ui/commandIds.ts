// The id of every command the extension contributes. package.json's `contributes.commands`
// lists exactly these, and the tests check it both ways; each surface registers its own.

export const CommandIds = {
  /** The tree's commands (treeCommands.ts). */
  spawn: 'devProcesses.spawn',
  start: 'devProcesses.start',
  kill: 'devProcesses.kill',
  restart: 'devProcesses.restart',
  sendInput: 'devProcesses.sendInput',
  killAll: 'devProcesses.killAll',
  retry: 'devProcesses.retry',
  cancel: 'devProcesses.cancel',
  runWithPriority: 'devProcesses.runWithPriority',
  scaleUp: 'devProcesses.scaleUp',
  scaleDown: 'devProcesses.scaleDown',
  clearFinished: 'devProcesses.clearFinished',
  clearAllFinished: 'devProcesses.clearAllFinished',
  /** The output channels' (outputChannels.ts). */
  showOutput: 'devProcesses.showOutput',
  /** The log files' (logFiles.ts). */
  openLogFile: 'devProcesses.openLogFile',
  /** The terminal views' (terminalView.ts). */
  showTerminal: 'devProcesses.showTerminal',
  /** The settings watcher's (settingsWatcher.ts). */
  openSettings: 'devProcesses.openSettings',
  /** The status bar's (statusBar.ts). */
  showAlerts: 'devProcesses.showAlerts',
  clearFailures: 'devProcesses.clearFailures',
  /** The metrics panel's (metricsPanel.ts). */
  showMetrics: 'devProcesses.showMetrics',
  /** The "All Processes" log panel's (logView/logPanel.ts). */
  showAllLogs: 'devProcesses.showAllLogs',
  /** The debugger's (debugSessions.ts). */
  debug: 'devProcesses.debug',
  /** The ports' (portActions.ts). */
  openInBrowser: 'devProcesses.openInBrowser',
  openInSimpleBrowser: 'devProcesses.openInSimpleBrowser',
  /** The groups' (groupCommands.ts). */
  startGroup: 'devProcesses.startGroup',
  stopGroup: 'devProcesses.stopGroup',
  restartGroup: 'devProcesses.restartGroup',
  startAll: 'devProcesses.startAll',
  /** The view's toggle between a list and a row per group (treeGrouping.ts). */
  groupByGroup: 'devProcesses.groupByGroup',
  ungroupTree: 'devProcesses.ungroupTree',
  /** The profile's status bar item (profileStatus.ts). */
  switchProfile: 'devProcesses.switchProfile',
  /** Detected entries' (addToSettings.ts). */
  addToSettings: 'devProcesses.addToSettings',
} as const;

export type CommandId = (typeof CommandIds)[keyof typeof CommandIds];

/** Every command id, for the checks against package.json. */
export function allCommandIds(): CommandId[] {
  return Object.values(CommandIds);
}
