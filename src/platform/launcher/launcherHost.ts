/**
 * The launcher helper, bundled to dist/launcherHost.js: a small Node process that spawns children
 * for the extension host, so the host never pays fork()'s cost, which grows with the host's memory
 * (bench/README.md has the figures). HelperLauncher starts it. Children run detached (a process
 * group of their own); the host stops them by group, not through us. The helper holds their
 * stdio (heldRuns.ts): when the host goes away, they run on for the reconnect grace, then the
 * helper stops them all and exits (docs/sessions.md).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { carriesReport, reportFrame } from './dataFrames';
import { DataLink } from './dataLink';
import { HeldRuns } from './heldRuns';
import { HelperSession } from './helperSession';
import { HelperPtys } from './helperPty';
import type { PassPipe } from './pipeHandoff';
import type { HelperReport, HostRequest, LaunchRequest, ReportBatch, SetupRequest, SpawnErrorInfo } from './protocol';
import { defaultPtyModules } from './pty';
import { DEFAULT_REPLAY_BYTES } from './replayBuffer';

/** Where the children's stdio connects: the parent host's stdio server (its setup), then a reconnected window's. */
let stdioTarget = { socketPath: '', token: '' };
if (!process.send) {
  console.error('launcherHost: started without its extension host; HelperLauncher starts it.');
  process.exit(2);
}

/**
 * A helper started ahead of the extension's bundle that its launcher never took over (never set
 * up) has no children and no one to serve: it ends by itself.
 */
const SETUP_LIMIT_MS = 60_000;
const unclaimed = setTimeout(() => process.exit(0), SETUP_LIMIT_MS).unref();

/** The data link to the host (dataFrames.ts), connected once and shared by every run. */
let link: Promise<DataLink> | undefined;

const held = new HeldRuns({ graceMs: 0, stopGraceMs: 3000, replayBytes: DEFAULT_REPLAY_BYTES, onDone: () => process.exit(0) });

/** Where a later window reconnects; opened once the first launches are on their way (see `openSession`). */
let session: HelperSession | undefined;

/**
 * Only a later window needs the session socket, so it opens after the launches that came with the
 * helper's start have been spawned: its directory, token and listening socket are not on their path.
 */
function openSession(): void {
  if (session) return;
  const opened: HelperSession = new HelperSession({
    hostConnected: (): boolean => process.connected || opened.connected,
    ending: () => held.ending,
    welcome: (hello) => {
      stdioTarget = { socketPath: hello.stdioSocket, token: hello.stdioToken };
      // The previous window's link, if it is not closed yet: the runs move to the new window's.
      void link?.then((old) => old.destroy(), () => undefined);
      link = undefined;
      return { type: 'welcome', pid: process.pid, runs: held.takeBack() };
    },
    attach: () => void reattach(),
    request: handle,
    gone: () => held.hostGone(),
  });
  session = opened;
  report({ type: 'session', socketPath: opened.socketPath, token: opened.token });
}

function report(message: HelperReport): void {
  const connected = process.connected || (session?.connected ?? false);
  if (message.type === 'spawned') held.started(message.id, message.pid);
  else if (message.type === 'exit') held.ended(message.id, message.exitCode, message.signal, connected);
  else if (message.type === 'failed') held.failed(message.id);
  if (!process.connected) {
    session?.send(message);
    return;
  }
  if (linkReports && carriesReport(message) && sentOnLink(message)) return;
  if (!batchReports) return void process.send!(message);
  // After this turn's I/O: a child's exit and the ends of its pipes come in the same turn.
  if (queued.length === 0) setImmediate(sendQueued);
  queued.push(message);
}

/** The host that started us reads batches of reports (its setup said so). */
let batchReports = false;
/** The host that started us reads its runs' reports on the data link (its setup said so). */
let linkReports = false;
/** The data link, once connected and while open. */
let linked: DataLink | undefined;
/**
 * How long a run's frames wait with its start report for its exit report, and its exit report for
 * the end of its pipes: a short-lived child's start, end and streams' ends then cost the host one
 * read, not two or three. A longer-lived run's start and first output come that much later.
 */
const GATHER_MS = 2;

/**
 * A run's report on the data link, after the output frames before it and in the same write as
 * those of this turn: the host reads a child's exit and the ends of its streams at once, and no
 * IPC message. False when the link is not open (or the report too long for a frame): then IPC.
 */
function sentOnLink(message: Parameters<typeof reportFrame>[0]): boolean {
  const frame = linked?.open ? reportFrame(message) : undefined;
  if (!frame) return false;
  if (message.type === 'spawned') linked!.gather(message.id, GATHER_MS);
  linked!.send(frame[0], message.id, frame[1]);
  if (message.type !== 'spawned') linked!.release(message.id);
  return true;
}
/** Reports for the host that started us, sent together once this turn of the event loop is over. */
let queued: HelperReport[] = [];

function sendQueued(): void {
  const reports = queued;
  queued = [];
  if (reports.length === 0) return;
  if (!process.connected) for (const message of reports) session?.send(message);
  else process.send!(reports.length === 1 ? reports[0] : ({ type: 'reports', reports } satisfies ReportBatch));
}

let ptys = new HelperPtys(defaultPtyModules(), report);

function errorInfo(err: unknown): SpawnErrorInfo {
  const e = err as NodeJS.ErrnoException;
  return { message: e?.message ?? String(err), code: e?.code, errno: e?.errno, syscall: e?.syscall, path: e?.path };
}

function dataLink(): Promise<DataLink> {
  if (link) return link;
  const connecting = DataLink.connect(stdioTarget.socketPath, stdioTarget.token);
  link = connecting;
  const forget = () => {
    if (link === connecting) link = undefined;
  };
  connecting.then((connected) => {
    if (link === connecting) linked = connected;
    connected.onClose(() => {
      if (linked === connected) linked = undefined;
      forget();
    });
  }, forget);
  return connecting;
}

/** The host that started us says where its stdio server is and how to keep the runs; once. */
function setup(req: SetupRequest): void {
  if (stdioTarget.socketPath) return;
  clearTimeout(unclaimed);
  stdioTarget = { socketPath: req.socketPath, token: req.token };
  batchReports = req.reportBatches === true;
  linkReports = req.linkReports === true;
  held.configure(req);
  if (Array.isArray(req.ptyModules) && req.ptyModules.every((m) => typeof m === 'string')) ptys = new HelperPtys(req.ptyModules, report);
  // Connected before the first launch asks for it: a spawn costs the host no connection. The launches
  // already asked for wait on the same connection and spawn when it settles, before the session opens;
  // a timer, not an immediate, so that their reports (sent in this turn's check phase) go out first too.
  dataLink().then(
    () => setTimeout(openSession, 0),
    () => setTimeout(openSession, 0),
  );
}

async function launch(req: LaunchRequest): Promise<void> {
  let joined: DataLink | undefined;
  let refused: unknown;
  try {
    joined = await dataLink();
  } catch (err) {
    refused = err;
  }
  const run = held.add(req.id, req.env);
  const ttyUnavailable = req.tty && joined ? ptys.start(req, joined, run) : undefined;
  // On a pty (or failed, and reported): the helper joins the pty to the link.
  if (req.tty && joined && ttyUnavailable === undefined) return;
  let child: ChildProcess | undefined;
  try {
    if (!joined) throw refused;
    child = spawn(req.command, req.args, {
      cwd: req.cwd,
      env: req.env,
      shell: req.shell ? '/bin/sh' : false,
      detached: true,
      // Pipes to us, not the host's sockets: the child's output must not depend on the host.
      stdio: 'pipe',
      windowsHide: true,
    });
  } catch (err) {
    report({ type: 'failed', id: req.id, error: errorInfo(err) });
  }
  if (child?.pid && joined) run.relay(child, joined, passPipe);
  if (!child) return;
  const spawned = child;
  spawned.once('spawn', () => report({ type: 'spawned', id: req.id, pid: spawned.pid!, ttyUnavailable }));
  spawned.once('error', (err) => report({ type: 'failed', id: req.id, error: errorInfo(err) }));
  spawned.once('exit', (exitCode, signal) => afterPipes(spawned, () => report({ type: 'exit', id: req.id, exitCode, signal })));
}

/**
 * Once the child's output pipes have ended too, or GATHER_MS after its exit if they stay open (a
 * descendant holds them, or their reading is paused): its exit goes out with their ends.
 */
function afterPipes(child: ChildProcess, done: () => void): void {
  const open = [child.stdout, child.stderr].filter((s) => s && !s.readableEnded && !s.destroyed);
  if (open.length === 0) return done();
  let left = open.length;
  const once = () => {
    if (left < 0) return;
    left = -1;
    clearTimeout(timer);
    done();
  };
  const timer = setTimeout(once, GATHER_MS);
  for (const stream of open) stream!.once('end', () => --left === 0 && once());
}

/**
 * A flooding pipe goes to the host that started us, with the handle passing of our IPC channel; a
 * window that reconnected has only a socket, and its output stays relayed.
 */
const passPipe: PassPipe = (id, index, pipe, done) => {
  if (!process.connected) return done(false);
  // After the run's reports so far, as it was reported after them.
  sendQueued();
  const message: HelperReport = { type: 'pipe', id, index };
  try {
    process.send!(message, pipe as Socket, { keepOpen: true }, (err: Error | null) => done(!err));
  } catch {
    done(false);
  }
};

/** A reconnected window takes its runs back: their stdio joins the window's data link. */
async function reattach(): Promise<void> {
  try {
    const joined = await dataLink();
    for (const run of held.reattachable()) run.reattach(joined);
  } catch {
    // The window's stdio server is gone: the runs go on into their replay buffers.
  }
}

function handle(message: HostRequest): void {
  if (message.type === 'launch') void launch(message);
  else if (message.type === 'resize') ptys.resize(message.id, message.cols, message.rows);
  else if (message.type === 'ping') report({ type: 'pong' });
  else if (message.type === 'release') held.setGrace(message.graceMs);
}

// Setup comes from the parent only, never over a reconnected window's socket.
process.on('message', (message: HostRequest) => (message.type === 'setup' ? setup(message) : handle(message)));
// The host closed, crashed or was killed: the children are kept for a window that reconnects.
process.on('disconnect', () => held.hostGone());
// Asked to stop (a session ending, a test harness cleaning up): the children go first, gracefully.
process.on('SIGTERM', () => void held.stopAll());
