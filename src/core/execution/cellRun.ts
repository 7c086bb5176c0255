import { Deferred } from '../common/async';
import { Emitter } from '../common/emitter';
import type { CellOutputs } from '../outputs/cellOutputs';

/**
 * A cell run's life: queued → running → done | failed | cancelled | timedOut | stopped, or queued → skipped.
 * `failed` covers an error raised by the code, a dead kernel, and unanswerable input; `reason` says which.
 * `timedOut`: a limit ended it (its own timeout, or the run's). `stopped`: whoever ran it stopped it (Ctrl-C, a
 * client that hung up). `skipped`: never sent, as Jupyter skips a blank cell and nbclient a `skip-execution` one.
 */
export type CellRunState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled' | 'timedOut' | 'stopped' | 'skipped';
export type FinalCellRunState = Exclude<CellRunState, 'queued' | 'running'>;
export type FailureReason = 'error' | 'kernelDied' | 'stdinUnavailable';

export interface CellRequest {
  code: string;
  /** Cell metadata tags; `raises-exception` marks a cell whose error is expected. */
  tags?: readonly string[];
  /** Not to be sent at all (nbclient's `skip-execution` tag, which only batch runs honour). */
  skip?: boolean;
}

/**
 * A cell that is never sent: one of nothing but whitespace (Jupyter frontends and nbclient send no request
 * for it: no count, no outputs), or one marked to skip.
 */
export function isSkipped(request: CellRequest): boolean {
  return request.skip === true || request.code.trim() === '';
}

export class CellRun {
  private stateValue: CellRunState = 'queued';
  private readonly stateEmitter = new Emitter<CellRunState>();
  private readonly finishedDeferred = new Deferred<CellRun>();
  private readonly executionCountEmitter = new Emitter<number>();
  private executionCountValue: number | null = null;
  readonly onDidChangeState = this.stateEmitter.event;
  /** Fires when the kernel numbers this execution (its `execute_input`, or the reply), so `[N]` shows while it runs. */
  readonly onDidChangeExecutionCount = this.executionCountEmitter.event;
  startedAt: number | undefined;
  endedAt: number | undefined;
  failureReason: FailureReason | undefined;
  /** What ended the run, when it was not the code itself (a dead kernel, a timeout, a cancellation). */
  cause: Error | undefined;

  constructor(readonly index: number, readonly request: CellRequest, readonly outputs: CellOutputs) {}

  get executionCount(): number | null {
    return this.executionCountValue;
  }

  set executionCount(count: number | null) {
    if (count === this.executionCountValue) return;
    this.executionCountValue = count;
    if (count !== null) this.executionCountEmitter.fire(count);
  }

  get state(): CellRunState {
    return this.stateValue;
  }

  get isFinished(): boolean {
    return this.stateValue !== 'queued' && this.stateValue !== 'running';
  }

  /** Resolves when the run reaches a final state; never rejects. */
  get finished(): Promise<CellRun> {
    return this.finishedDeferred.promise;
  }

  get expectsError(): boolean {
    return this.request.tags?.includes('raises-exception') ?? false;
  }

  /** Seconds between start and end, or 0 for a run that never started. */
  get durationSeconds(): number {
    return this.startedAt !== undefined && this.endedAt !== undefined ? (this.endedAt - this.startedAt) / 1000 : 0;
  }

  markRunning(): void {
    // Set first, so that listeners of `running` can read when it started.
    this.startedAt = Date.now();
    this.transition('running');
  }

  finish(state: FinalCellRunState, details: { reason?: FailureReason; cause?: Error } = {}): void {
    if (this.isFinished) return;
    if (this.startedAt !== undefined) this.endedAt = Date.now();
    this.failureReason = details.reason;
    this.cause = details.cause;
    this.transition(state);
    this.finishedDeferred.resolve(this);
    this.stateEmitter.dispose();
    this.executionCountEmitter.dispose();
  }

  private transition(next: CellRunState): void {
    this.stateValue = next;
    this.stateEmitter.fire(next);
  }
}
