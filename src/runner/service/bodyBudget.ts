/** The bytes of one request's body taken from a BodyBudget. */
export interface BodyAllowance {
  /** Takes `bytes` more; false (taking nothing) when the budget cannot spare them. */
  take(bytes: number): boolean;
  /** Gives back everything this request took; once is enough, more is harmless. */
  release(): void;
}

/**
 * The request bodies the service holds in memory at once, all requests together, counted in bytes as they
 * arrive and given back when the request is answered. Run slots are taken only once a body is complete, so
 * without this any number of clients could be sending bodies at once; counting bytes rather than requests
 * means a slow client holds no more than it has sent, and cannot keep others out by being slow.
 */
export class BodyBudget {
  private held = 0;

  constructor(private readonly limitBytes: number) {}

  get heldBytes(): number {
    return this.held;
  }

  allowance(): BodyAllowance {
    let taken = 0;
    return {
      take: (bytes) => {
        if (this.held + bytes > this.limitBytes) return false;
        this.held += bytes;
        taken += bytes;
        return true;
      },
      release: () => {
        this.held -= taken;
        taken = 0;
      },
    };
  }
}
