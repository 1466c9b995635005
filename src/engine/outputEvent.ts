import type { LineBatch } from '../platform/lineBatch';
import type { OutputLine } from '../platform/outputRing';
import type { OutputEvent } from './engineTypes';

/**
 * An output event whose line objects are made only when a listener asks for `lines` (once, shared
 * by all); a listener that can take the lines as a batch reads `batch` and makes none. Both are
 * getters, so a copy made by spreading the event keeps neither: it carries the lines it is given.
 */
export class RunOutputEvent implements OutputEvent {
  // Set only when true, as the events were before: no own property otherwise.
  declare readonly restored?: boolean;

  constructor(
    readonly id: string,
    readonly name: string,
    readonly adhoc: boolean,
    readonly instance: number,
    private readonly source: LineBatch,
    restored: boolean | undefined,
  ) {
    if (restored) (this as { restored?: boolean }).restored = true;
  }

  get batch(): LineBatch {
    return this.source;
  }

  get lines(): OutputLine[] {
    return this.source.toArray();
  }
}
