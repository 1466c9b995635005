/**
 * When the monitor reads the trees' listening ports. A read of /proc/net/tcp and tcp6 walks the
 * kernel's whole connection table however few sockets it lists, a cost that grows with the
 * machine's memory, on the extension host's thread. A server opens its port soon after it starts:
 * ports are read every round while some tree started within `youngMs`, and every
 * `settledEveryMs` once all have settled (a port opened later shows up that much later).
 */
export class PortCadence {
  private lastRead = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly youngMs = 30_000,
    private readonly settledEveryMs = 10_000,
  ) {}

  /** Whether this round reads the ports, given when each live tree's process started (monitor time). */
  due(treeStarts: readonly number[], now: number): boolean {
    const young = treeStarts.some((at) => now - at < this.youngMs);
    if (!young && now - this.lastRead < this.settledEveryMs) return false;
    this.lastRead = now;
    return true;
  }
}
