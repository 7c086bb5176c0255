/** A promise with its resolve and reject exposed. */
export class Deferred<T> {
  readonly promise: Promise<T>;
  resolve!: (value: T) => void;
  reject!: (reason: unknown) => void;
  private settledFlag = false;

  constructor() {
    this.promise = new Promise<T>((resolve, reject) => {
      this.resolve = (value) => {
        this.settledFlag = true;
        resolve(value);
      };
      this.reject = (reason) => {
        this.settledFlag = true;
        reject(reason);
      };
    });
  }

  get settled(): boolean {
    return this.settledFlag;
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves to `value` or to `onTimeout()` after `ms`, whichever comes first; the timer never outlives the race. */
export async function withTimeout<T>(value: Promise<T>, ms: number, onTimeout: () => T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(onTimeout()), ms);
  });
  try {
    return await Promise.race([value, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
