/**
 * The cap on the display data one cell shows (display_data and execute_result bundles with their metadata,
 * sized by outputSize.ts), so a cell that displays without end cannot exhaust memory or make an answer too
 * long to serialize, and the reader is told exactly what is missing.
 *
 * As with stream text (streamBudget.ts): the first display that would pass the limit is dropped, and the cell
 * is then full: later displays are dropped too, even small ones, so what is shown is always everything up to
 * one point, and the note that says so stands at that point. A display is never cut: half a PNG is no image.
 * An update (update_display_data) replaces a bundle already counted, so it is applied when the cell stays
 * within the limit with it, full or not, and otherwise left out, the display keeping its last bundle.
 */

/** How many of something were dropped, and how many characters they held. */
export interface DroppedCount {
  readonly count: number;
  readonly chars: number;
}

type DisplayLimitState = { kind: 'open' } | { kind: 'full' };

export class DisplayLimit {
  private shownChars = 0;
  private state: DisplayLimitState = { kind: 'open' };
  private displays = { count: 0, chars: 0 };
  private updates = { count: 0, chars: 0 };

  constructor(readonly limitChars: number) {}

  /** Whether a new display of `size` characters is shown; if not, it is counted as dropped and the cell is full. */
  admitsDisplay(size: number): boolean {
    if (this.state.kind === 'open' && this.shownChars + size <= this.limitChars) {
      this.shownChars += size;
      return true;
    }
    this.state = { kind: 'full' };
    this.displays.count++;
    this.displays.chars += size;
    return false;
  }

  /** Whether a shown display of `oldSize` characters may become one of `newSize`; if not, the update is counted as dropped. */
  admitsUpdate(oldSize: number, newSize: number): boolean {
    if (this.shownChars - oldSize + newSize <= this.limitChars) {
      this.shownChars += newSize - oldSize;
      return true;
    }
    this.updates.count++;
    this.updates.chars += newSize;
    return false;
  }

  get droppedDisplays(): DroppedCount {
    return { ...this.displays };
  }

  get droppedUpdates(): DroppedCount {
    return { ...this.updates };
  }

  /** The cell's outputs were cleared: what is no longer shown no longer counts, and what it dropped is gone with it. */
  reset(): void {
    this.shownChars = 0;
    this.state = { kind: 'open' };
    this.displays = { count: 0, chars: 0 };
    this.updates = { count: 0, chars: 0 };
  }
}
