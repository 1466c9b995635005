import { LineBatch } from '../../platform/lineBatch';
import type { OutputLine } from '../../platform/outputRing';
import type { ProcessKind } from '../../core/types';
import type { AlertSubject } from './alerts';
import type { TreeUsage } from './sampler';
import type { RunSample } from './types';

const WINDOW_SECONDS = 60;

/**
 * Output figures of one run: lines per second between two samples, stderr lines over the last
 * minute (in one-second buckets, so a flood costs no memory) and the time since the last line.
 * The engine's own `system` lines do not count: they are not the process speaking.
 */
export class OutputCounters {
  private linesSinceTake = 0;
  private lastTakeAt: number;
  private lastLineAt: number;
  private readonly bucketCounts = new Array<number>(WINDOW_SECONDS).fill(0);
  private readonly bucketSeconds = new Array<number>(WINDOW_SECONDS).fill(-1);

  constructor(now: number) {
    this.lastTakeAt = now;
    this.lastLineAt = now;
  }

  add(lines: readonly OutputLine[] | LineBatch, now: number): void {
    let stderr = 0;
    let counted = 0;
    if (lines instanceof LineBatch && lines.stream !== undefined) {
      // A batch is of one stream: counted without a look at its lines.
      counted = lines.stream === 'system' ? 0 : lines.length;
      stderr = lines.stream === 'stderr' ? lines.length : 0;
    } else {
      for (const line of lines instanceof LineBatch ? lines.toArray() : lines) {
        if (line.stream === 'system') continue;
        counted++;
        if (line.stream === 'stderr') stderr++;
      }
    }
    if (counted === 0) return;
    this.linesSinceTake += counted;
    this.lastLineAt = now;
    if (stderr > 0) this.addStderr(stderr, now);
  }

  /** A new process of the run (a restart): idle time starts again from its start. */
  restartIdle(now: number): void {
    this.lastLineAt = now;
  }

  /** The figures for a sample taken now; starts the next lines-per-second interval. */
  take(now: number): Pick<RunSample, 'linesPerSecond' | 'stderrPerMinute' | 'idleMs'> {
    const elapsedS = (now - this.lastTakeAt) / 1000;
    const linesPerSecond = elapsedS > 0 ? this.linesSinceTake / elapsedS : 0;
    this.linesSinceTake = 0;
    this.lastTakeAt = now;
    return { linesPerSecond, stderrPerMinute: this.stderrPerMinute(now), idleMs: Math.max(0, now - this.lastLineAt) };
  }

  /** stderr lines in the last minute. */
  stderrPerMinute(now: number): number {
    const second = Math.floor(now / 1000);
    let sum = 0;
    for (let i = 0; i < WINDOW_SECONDS; i++) {
      if (this.bucketSeconds[i] > second - WINDOW_SECONDS) sum += this.bucketCounts[i];
    }
    return sum;
  }

  private addStderr(count: number, now: number): void {
    const second = Math.floor(now / 1000);
    const i = second % WINDOW_SECONDS;
    if (this.bucketSeconds[i] !== second) {
      this.bucketSeconds[i] = second;
      this.bucketCounts[i] = 0;
    }
    this.bucketCounts[i] += count;
  }
}

/** A run's samples, oldest first, bounded by age and by count. */
export class SampleHistory {
  private samples: RunSample[] = [];
  private start = 0;

  constructor(
    private readonly maxAgeMs: number,
    private readonly maxCount: number,
  ) {}

  push(sample: RunSample): void {
    this.samples.push(sample);
    this.trim(sample.at);
  }

  /** Older samples (kept over a window reload) go before the ones this history has. */
  seed(samples: readonly RunSample[], now: number): void {
    const first = this.samples[this.start]?.at ?? Infinity;
    const older = samples.filter((s) => s.at < first).sort((a, b) => a.at - b.at);
    this.samples = [...older, ...this.samples.slice(this.start)];
    this.start = 0;
    this.trim(now);
  }

  latest(): RunSample | undefined {
    return this.samples.length > this.start ? this.samples[this.samples.length - 1] : undefined;
  }

  /** A copy, oldest first. */
  toArray(now: number): RunSample[] {
    this.trim(now);
    return this.samples.slice(this.start);
  }

  private trim(now: number): void {
    const oldest = now - this.maxAgeMs;
    while (this.start < this.samples.length && (this.samples.length - this.start > this.maxCount || this.samples[this.start].at < oldest)) {
      this.start++;
    }
    // Dropped samples are cut off in one go now and then, not one shift per sample.
    if (this.start > 64 && this.start * 2 > this.samples.length) {
      this.samples = this.samples.slice(this.start);
      this.start = 0;
    }
  }
}

/** What the monitor keeps of one run. */
export class RunRecord {
  readonly subject: AlertSubject;
  /** An ad-hoc command line: not the definition that may share its name. */
  readonly adhoc: boolean;
  /** The leader while the run has a live process; null otherwise. */
  pid: number | null = null;
  /** When the monitor first saw `pid`. */
  pidSince = 0;
  endedAt: number | null = null;
  readonly counters: OutputCounters;
  readonly history: SampleHistory;

  constructor(
    run: { id: string; name: string; kind: ProcessKind; adhoc: boolean },
    now: number,
    keep: { maxAgeMs: number; maxCount: number },
  ) {
    this.adhoc = run.adhoc;
    this.subject = { runId: run.id, name: run.name, kind: run.kind };
    this.counters = new OutputCounters(now);
    this.history = new SampleHistory(keep.maxAgeMs, keep.maxCount);
  }

  /** The run's sample of a round: its tree's usage and its output figures; kept in the history. */
  record(tree: TreeUsage, now: number): RunSample {
    const { processes, cpuPercent, rssBytes, openFiles, threads } = tree;
    const { runId, name } = this.subject;
    const sample: RunSample = { runId, name, at: now, cpuPercent, rssBytes, openFiles, threads, processes, ...this.counters.take(now), responseMs: null };
    this.history.push(sample);
    return sample;
  }
}
