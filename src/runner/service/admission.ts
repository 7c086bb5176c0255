import { Deferred } from '../../core/common/async';

/**
 * At most `maxRunning` requests run at once; up to `maxWaiting` more wait their turn in order; beyond
 * that a request is turned away at once (the caller answers 429), so overload never piles up unbounded.
 */
export class Admission {
  private running = 0;
  private readonly waiting: Array<Deferred<void>> = [];

  constructor(private readonly maxRunning: number, private readonly maxWaiting: number) {}

  get runningCount(): number {
    return this.running;
  }

  get waitingCount(): number {
    return this.waiting.length;
  }

  /** Resolves with a release function once the request may run, or with undefined when it must be refused. */
  async enter(): Promise<(() => void) | undefined> {
    if (this.running < this.maxRunning) {
      this.running++;
      return this.releaseOnce();
    }
    if (this.waiting.length >= this.maxWaiting) return undefined;
    const turn = new Deferred<void>();
    this.waiting.push(turn);
    await turn.promise;
    return this.releaseOnce();
  }

  private releaseOnce(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      // The slot passes straight to the next waiter, so `running` does not change.
      if (next) next.resolve();
      else this.running--;
    };
  }
}
