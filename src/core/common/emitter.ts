import { Disposable, toDisposable } from './disposable';

/** A subscription point, shaped like VS Code's `Event<T>`. */
export type Event<T> = (listener: (value: T) => void) => Disposable;

/** Fires values to listeners synchronously, in subscription order. */
export class Emitter<T> implements Disposable {
  private listeners: Array<(value: T) => void> = [];
  private disposed = false;

  readonly event: Event<T> = (listener) => {
    if (this.disposed) return toDisposable(() => undefined);
    this.listeners.push(listener);
    return toDisposable(() => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    });
  };

  fire(value: T): void {
    // Copy so that a listener that unsubscribes while firing does not skip its neighbour.
    for (const listener of [...this.listeners]) listener(value);
  }

  dispose(): void {
    this.disposed = true;
    this.listeners = [];
  }
}

/** Resolves with the first value the event fires. */
export function nextEvent<T>(event: Event<T>, predicate: (value: T) => boolean = () => true): Promise<T> {
  return new Promise((resolve) => {
    const subscription = event((value) => {
      if (predicate(value)) {
        subscription.dispose();
        resolve(value);
      }
    });
  });
}
