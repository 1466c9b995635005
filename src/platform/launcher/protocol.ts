/**
 * What the extension host and the launcher helper (launcherHost.ts) say to each other. Requests
 * and reports travel over the Node IPC channel; the children's stdin, stdout and stderr travel
 * as frames over one data link per helper to the host's stdio server (dataFrames.ts), and so do
 * the runs' reports for a host that says it reads them there. The helper
 * holds the child's pipes and relays them (streamRelay.ts), so the child does not depend on the
 * host being there.
 */
import type { LaunchOptions } from './types';

/**
 * The host's first request to a helper it started: where its stdio server listens and how the
 * helper keeps its runs. Sent over IPC rather than in the environment, so a helper can be started
 * before the host knows these (src/start.ts starts one before the extension's bundle loads).
 */
export interface SetupRequest {
  type: 'setup';
  socketPath: string;
  token: string;
  /** Milliseconds the helper keeps its children once its host is gone (0: stops them at once). */
  graceMs: number;
  /** Milliseconds between SIGTERM and SIGKILL when the helper stops its children itself. */
  stopGraceMs: number;
  /** Bytes of recent output the helper keeps per run. */
  replayBytes: number;
  /** Where the helper looks for node-pty, in order; its defaults without them. */
  ptyModules?: string[];
  /** This host reads `ReportBatch`es: the helper sends its reports of one turn as one (else each alone). */
  reportBatches?: boolean;
  /**
   * This host reads the reports of its runs (spawned, exit, failed) as frames of the data link
   * (dataFrames.ts), while that link is open: in order with their output, one channel to read.
   */
  linkReports?: boolean;
}

export interface LaunchRequest extends LaunchOptions {
  type: 'launch';
  id: number;
}

/** Are you still there? The helper answers each with a pong; silence means it is stuck. */
export interface PingRequest {
  type: 'ping';
}

/** A new size for the pty of a `tty` launch; the program gets SIGWINCH. */
export interface ResizeRequest {
  type: 'resize';
  id: number;
  cols: number;
  rows: number;
}

/**
 * A reconnecting host's first line on the helper's session socket: the token proves it may take
 * the helper over, and the helper joins the children's stdio to this stdio server from now on.
 */
export interface HelloRequest {
  type: 'hello';
  token: string;
  stdioSocket: string;
  stdioToken: string;
}

/** After a welcome, when the host is ready for the data link of the runs it took back. */
export interface AttachRequest {
  type: 'attach';
}

/** The host lets go (a window reload): keep the runs this long for the next window. */
export interface ReleaseRequest {
  type: 'release';
  graceMs: number;
}

export type HostRequest = SetupRequest | LaunchRequest | ResizeRequest | PingRequest | AttachRequest | ReleaseRequest;

export interface PongReport {
  type: 'pong';
}

export interface SpawnedReport {
  type: 'spawned';
  id: number;
  pid: number;
  /** It runs on a pseudo-terminal. */
  tty?: boolean;
  /** A pty was asked for and it runs on pipes: why. */
  ttyUnavailable?: string;
}

export interface ExitReport {
  type: 'exit';
  id: number;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
}

/** The fields of a Node system error that survive JSON; the engine classifies by `code`. */
export interface SpawnErrorInfo {
  message: string;
  code?: string;
  errno?: number;
  syscall?: string;
  path?: string;
}

export interface FailedReport {
  type: 'failed';
  id: number;
  error: SpawnErrorInfo;
}

/**
 * Sent with a child's output pipe as its handle (pipeHandoff.ts): the host reads that stream from
 * the pipe once the link's FRAME_DIRECT for it has come.
 */
export interface PipeReport {
  type: 'pipe';
  id: number;
  index: 1 | 2;
}

/** Sent once at start: where a later window finds this helper, and the token it must prove. */
export interface SessionReport {
  type: 'session';
  socketPath: string;
  token: string;
}

/** A run the helper kept while no host was connected. */
export interface HeldRunInfo {
  id: number;
  pid: number;
  /** The run id in its environment (`DEVPROC_RUN`), if it has one. */
  runId?: string;
  /** Its leader ended meanwhile: the status, as its parent read it. */
  exit?: { exitCode: number | null; signal: NodeJS.Signals | null };
  /** Its recent output, oldest first: stream index (1 stdout, 2 stderr) and base64 bytes. */
  replay: [1 | 2, string][];
  /** It runs on a pty the helper holds: one merged output, and it can be resized. */
  tty?: boolean;
}

/** The answer to a hello with the right token: this host now holds the runs. */
export interface WelcomeReport {
  type: 'welcome';
  pid: number;
  runs: HeldRunInfo[];
}

/** The answer to a hello that is refused: a wrong token, or another window holds the helper. */
export interface RefusedReport {
  type: 'refused';
  reason: string;
}

/**
 * The reports of one turn of the helper's event loop, to the host that started it and said it
 * reads them (`SetupRequest.reportBatches`; never over the session socket, which a window of
 * another build may read): a child's start or end costs that host one message and one wake-up,
 * whatever else ended with it.
 */
export interface ReportBatch {
  type: 'reports';
  reports: HelperReport[];
}

export type HelperReport = SpawnedReport | ExitReport | FailedReport | PongReport | PipeReport | SessionReport | WelcomeReport | RefusedReport;

/** Index of a stream in the child's stdio array. */
export type StdioIndex = 0 | 1 | 2;
