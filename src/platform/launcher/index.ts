export type { LaunchOptions, LaunchedProcess, Launcher, LauncherLoss, TtySize } from './types';
export { childProcessLauncher, createChildProcessLauncher } from './childProcessLauncher';
export { DEFAULT_TTY_SIZE, checkedSize, defaultPtyModules, editorPtyModules } from './pty';
export { HelperLauncher, findHelperScript, type HelperLauncherOptions } from './helperLauncher';
