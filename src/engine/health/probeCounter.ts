/** Where one probe stands. */
export type ProbeStatus = 'pending' | 'passing' | 'failing';

/**
 * Turns single probe results into a status with thresholds: `successThreshold` passes in a row
 * make it passing, `failureThreshold` failures in a row make it failing. Pure.
 */
export class ProbeCounter {
  status: ProbeStatus = 'pending';
  private successes = 0;
  private failures = 0;

  constructor(
    private readonly successThreshold: number,
    private readonly failureThreshold: number,
  ) {}

  /** Records one result; returns true when the status changed. */
  record(ok: boolean): boolean {
    const before = this.status;
    if (ok) {
      this.successes++;
      this.failures = 0;
      if (this.successes >= this.successThreshold) this.status = 'passing';
    } else {
      this.failures++;
      this.successes = 0;
      if (this.failures >= this.failureThreshold) this.status = 'failing';
    }
    return this.status !== before;
  }
}
