import { Disposable, toDisposable } from './disposable';
import { Emitter, Event } from './emitter';

/** Shaped like VS Code's `CancellationToken`, so the extension can hand its own tokens to the engine. */
export interface CancellationToken {
  readonly isCancellationRequested: boolean;
  readonly onCancellationRequested: Event<void>;
}

export const neverCancelled: CancellationToken = Object.freeze({
  isCancellationRequested: false,
  onCancellationRequested: () => toDisposable(() => undefined),
});

export class CancellationTokenSource implements Disposable {
  private readonly emitter = new Emitter<void>();
  private cancelled = false;
  readonly token: CancellationToken;

  constructor() {
    const state = this;
    this.token = {
      get isCancellationRequested(): boolean {
        return state.cancelled;
      },
      onCancellationRequested: (listener) => {
        if (state.cancelled) {
          listener();
          return toDisposable(() => undefined);
        }
        return state.emitter.event(listener);
      },
    };
  }

  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.emitter.fire();
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
