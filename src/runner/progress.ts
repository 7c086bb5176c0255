import type { CellRun } from '../core/execution/cellRun';

/** One self-rewriting status line on a terminal's stderr while a run goes on; silent elsewhere. */
export class ProgressLine {
  private shown = false;

  constructor(private readonly stream: NodeJS.WriteStream) {}

  get enabled(): boolean {
    return this.stream.isTTY === true;
  }

  update(run: CellRun, total: number): void {
    if (!this.enabled || run.state !== 'running') return;
    this.stream.write(`\r\x1b[2K[${run.index + 1}/${total}] running cell ${run.index + 1}…`);
    this.shown = true;
  }

  clear(): void {
    if (this.shown) this.stream.write('\r\x1b[2K');
    this.shown = false;
  }
}
