import { PassThrough } from 'node:stream';
import type { IPty } from 'node-pty';
import { FRAME_STDERR_END } from './dataFrames';
import type { DataLink } from './dataLink';
import type { HelperReport, LaunchRequest } from './protocol';
import { bridgePty, isProgramError, loadPty, resizePty, spawnPty } from './pty';
import { InputRelay, OutputRelay } from './streamRelay';

/**
 * The launcher helper's `tty` launches. Unlike a launch on pipes, the helper stays between the
 * child and the host: it holds the pty's master end and copies bytes between it and the data
 * link. So a tty child loses its terminal (SIGHUP) when the helper goes.
 */
export class HelperPtys {
  private readonly terms = new Map<number, IPty>();

  constructor(
    private readonly modules: string[],
    private readonly report: (message: HelperReport) => void,
  ) {}

  /**
   * Starts the request on a pty joined to the host's data link and reports
   * it. Returns why no pty could be had (the caller then launches on pipes); undefined when it
   * started, or failed for a reason pipes would share (a missing program), which it reported.
   */
  start(req: LaunchRequest, link: DataLink): string | undefined {
    const pty = loadPty(this.modules);
    if (!pty.module) return pty.error;
    let term: IPty;
    try {
      term = spawnPty(pty.module, req, req.tty!);
    } catch (err) {
      if (!isProgramError(err)) return `the pseudo-terminal could not be opened (${(err as Error).message})`;
      const { message, code, errno, syscall, path } = err as NodeJS.ErrnoException;
      this.report({ type: 'failed', id: req.id, error: { message, code, errno, syscall, path } });
      return undefined;
    }
    this.terms.set(req.id, term);
    this.report({ type: 'spawned', id: req.id, pid: term.pid, tty: true });
    // The pty merges both streams: stderr is done at once.
    link.send(FRAME_STDERR_END, req.id);
    const input = new PassThrough();
    const output = new PassThrough();
    const stdin = new InputRelay(input);
    const stdout = new OutputRelay(output, 1, undefined, () => link.unroute(req.id));
    // A pty is never handed off: its master end stays with the helper.
    link.route(req.id, { input: (data) => stdin.write(data), flow: (index, paused) => index === 1 && stdout.flow(paused), back: () => undefined, tail: () => undefined });
    stdin.attach(link, req.id);
    stdout.attach(link, req.id);
    bridgePty(term, input, output, (exitCode, signal) => {
      this.terms.delete(req.id);
      stdin.childGone();
      this.report({ type: 'exit', id: req.id, exitCode, signal });
    });
    return undefined;
  }

  resize(id: number, cols: number, rows: number): void {
    const term = this.terms.get(id);
    if (term) resizePty(term, cols, rows);
  }
}
