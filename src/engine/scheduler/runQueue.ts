import type { Priority } from '../../core/types';

const RANK: Record<Priority, number> = { critical: 3, high: 2, normal: 1, low: 0 };

export interface QueueEntry {
  id: string;
  priority: Priority;
  /** Arrival order: first in, first out within a priority. */
  seq: number;
  /** Epoch ms before which the entry may not start. */
  notBefore: number;
  /** Jobs hold one of the `maxConcurrent` slots while they run; services do not. */
  needsSlot: boolean;
}

function before(a: QueueEntry, b: QueueEntry): boolean {
  return RANK[a.priority] !== RANK[b.priority] ? RANK[a.priority] > RANK[b.priority] : a.seq < b.seq;
}

/**
 * Runs waiting to start, in start order: highest priority first, then first in, first out.
 * Pure: time and readiness are passed in, so the order is table-tested without processes.
 */
export class RunQueue {
  private entries: QueueEntry[] = [];
  /** Entries that need no slot (services), which may start even when every slot is taken. */
  private unslotted = 0;
  /** No entry waits for a time later than this (it may be stale-high, never low). */
  private latestNotBefore = 0;

  get size(): number {
    return this.entries.length;
  }

  has(id: string): boolean {
    return this.entries.some((e) => e.id === id);
  }

  add(entry: QueueEntry): void {
    const last = this.entries.at(-1);
    // Most arrivals go last (same priority, later seq): no need to walk a long queue for them.
    const at = last === undefined || !before(entry, last) ? -1 : this.entries.findIndex((e) => before(entry, e));
    if (at < 0) this.entries.push(entry);
    else this.entries.splice(at, 0, entry);
    if (!entry.needsSlot) this.unslotted++;
    this.latestNotBefore = Math.max(this.latestNotBefore, entry.notBefore);
  }

  remove(id: string): boolean {
    const at = this.entries.findIndex((e) => e.id === id);
    if (at < 0) return false;
    if (!this.entries[at].needsSlot) this.unslotted--;
    this.entries.splice(at, 1);
    return true;
  }

  /** 1-based place in the start order, or undefined when not queued. */
  positionOf(id: string): number | undefined {
    const at = this.entries.findIndex((e) => e.id === id);
    return at < 0 ? undefined : at + 1;
  }

  ordered(): readonly QueueEntry[] {
    return this.entries;
  }

  /**
   * Removes and returns what may start now, in order: entries whose time has come and that are
   * ready (dependencies met), jobs only while slots are free. A blocked entry never holds up the
   * ones behind it.
   */
  takeReady(now: number, freeSlots: number, isReady: (id: string) => boolean): QueueEntry[] {
    const taken: QueueEntry[] = [];
    let slots = freeSlots;
    let unslottedLeft = this.unslotted;
    // Under load the queue is long and every slot busy: stop as soon as nothing behind could start.
    for (let i = 0; i < this.entries.length && (slots > 0 || unslottedLeft > 0); ) {
      const e = this.entries[i];
      if (!e.needsSlot) unslottedLeft--;
      if (e.notBefore > now || (e.needsSlot && slots <= 0) || !isReady(e.id)) {
        i++;
        continue;
      }
      if (e.needsSlot) slots--;
      else this.unslotted--;
      taken.push(e);
      this.entries.splice(i, 1);
    }
    return taken;
  }

  /** The earliest future time a delayed entry becomes startable, or undefined. */
  nextStartAt(now: number): number | undefined {
    if (this.latestNotBefore <= now) return undefined;
    let next: number | undefined;
    for (const e of this.entries) {
      if (e.notBefore > now && (next === undefined || e.notBefore < next)) next = e.notBefore;
    }
    return next;
  }
}
