export type { LaunchOptions, LaunchedProcess, Launcher, LauncherLoss } from './types';
export { childProcessLauncher } from './childProcessLauncher';
export { HelperLauncher, findHelperScript, type HelperLauncherOptions } from './helperLauncher';
