import { Deferred } from '../../core/common/async';
import type { CancellationToken } from '../../core/common/cancellation';

/**
 * At most `maxRunning` requests run at once; up to `maxWaiting` more wait their turn in order; beyond
 * that a request is turned away at once (the caller answers 429), so overload never piles up unbounded.
 */
export class Admission {
  private running = 0;
  /** Each waiter is resolved with true when it gets a slot, with false when it gives up its place. */
  private readonly waiting: Array<Deferred<boolean>> = [];

  constructor(private readonly maxRunning: number, private readonly maxWaiting: number) {}

  get runningCount(): number {
    return this.running;
  }

  get waitingCount(): number {
    return this.waiting.length;
  }

  /**
   * Resolves with a release function once the request may run, or with undefined when it must be refused:
   * the queue is full, or `leave` was cancelled first (its client hung up; the service is closing), which
   * frees its place in the queue at once.
   */
  async enter(leave?: CancellationToken): Promise<(() => void) | undefined> {
    if (leave?.isCancellationRequested) return undefined;
    if (this.running < this.maxRunning) {
      this.running++;
      return this.releaseOnce();
    }
    if (this.waiting.length >= this.maxWaiting) return undefined;
    const turn = new Deferred<boolean>();
    this.waiting.push(turn);
    const subscription = leave?.onCancellationRequested(() => {
      const at = this.waiting.indexOf(turn);
      if (at < 0) return; // Already given a slot: the caller releases it.
      this.waiting.splice(at, 1);
      turn.resolve(false);
    });
    try {
      return (await turn.promise) ? this.releaseOnce() : undefined;
    } finally {
      subscription?.dispose();
    }
  }

  private releaseOnce(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      // The slot passes straight to the next waiter, so `running` does not change.
      if (next) next.resolve(true);
      else this.running--;
    };
  }
}
