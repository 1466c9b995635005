export type { LaunchOptions, LaunchedProcess, Launcher, LauncherLoss, ReclaimedRun, ReconnectResult, TtySize } from './types';
export type { SessionInfo } from './sessionClient';
export { childProcessLauncher, createChildProcessLauncher } from './childProcessLauncher';
export { DEFAULT_TTY_SIZE, checkedSize, defaultPtyModules, editorPtyModules } from './pty';
export { HelperLauncher, findHelperScript, type HelperLauncherOptions } from './helperLauncher';
export { SessionFile } from './sessionFile';
