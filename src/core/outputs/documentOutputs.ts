import type { Disposable } from '../common/disposable';
import { Emitter, type Event } from '../common/emitter';
import { CellOutputs } from './cellOutputs';
import { DisplayRegistry } from './displayRegistry';
import type { CellOutputLimits } from './outputLimits';

/**
 * The outputs of one notebook (or one run of cells). Its cells share one display-id index,
 * because `update_display_data` may target an output shown by any earlier cell of the document.
 */
/** What each cell keeps of each kind of output before the rest is dropped and counted; unlimited when left out. */
export type DocumentOutputsOptions = CellOutputLimits;

export class DocumentOutputs implements Disposable {
  private readonly displays = new DisplayRegistry();
  private readonly created = new Emitter<CellOutputs>();
  /** Fires for each new cell, before it is handed out (so an observer sees every event it is given). */
  readonly onDidCreateCell: Event<CellOutputs> = this.created.event;
  private readonly cells = new Set<CellOutputs>();
  private disposed = false;

  constructor(private readonly options: DocumentOutputsOptions = {}) {}

  createCell(): CellOutputs {
    if (this.disposed) throw new Error('DocumentOutputs.createCell was called after the document was disposed.');
    const cell = new CellOutputs(this.displays, () => this.cells.delete(cell), this.options);
    this.cells.add(cell);
    this.created.fire(cell);
    return cell;
  }

  /** How many live outputs show `displayId`, in all cells. */
  displayCount(displayId: string): number {
    return this.displays.countOf(displayId);
  }

  /** Disposes every cell still alive. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const cell of [...this.cells]) cell.dispose();
    this.created.dispose();
  }
}
