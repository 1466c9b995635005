/**
 * The row whose tooltip is being read. VS Code closes a row's hover when the row is redrawn, and
 * the ticker redraws a row whose uptime or usage moved every second: without a pause, a busy
 * service's tooltip would never stay up. VS Code resolves a tooltip when a hover begins
 * (resolveTreeItem), so that call starts the pause; a real change of the run (its state, a
 * restart) still redraws the row at once.
 */
export class HoverHold {
  private held: { rowId: string | undefined; runId: string | undefined; until: number } | undefined;

  constructor(private readonly holdMs: number) {}

  /** A hover began on a definition's row (`rowId`) or on a run's row (`runId`). */
  hovered(rowId: string | undefined, runId: string | undefined, now: number): void {
    this.held = { rowId, runId, until: now + this.holdMs };
  }

  /** Whether the ticker leaves this definition's row, with these runs under it, as it is for now. */
  holds(rowId: string | undefined, runs: readonly { id: string }[], now: number): boolean {
    const held = this.held;
    if (!held) return false;
    if (now >= held.until) {
      this.held = undefined;
      return false;
    }
    return (held.rowId !== undefined && held.rowId === rowId) || (held.runId !== undefined && runs.some((run) => run.id === held.runId));
  }
}
