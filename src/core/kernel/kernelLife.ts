import type { Disposable } from '../common/disposable';
import { Emitter } from '../common/emitter';
import type { KernelDiedError } from '../common/errors';
import type { KernelStatus } from './kernelHandle';

/** The status and the death of one kernel, as a KernelHandle reports them, for either transport. */
export class KernelLife implements Disposable {
  private statusValue: KernelStatus = 'idle';
  private death: KernelDiedError | undefined;
  private readonly statusEmitter = new Emitter<KernelStatus>();
  private readonly diedEmitter = new Emitter<KernelDiedError>();
  readonly onDidChangeStatus = this.statusEmitter.event;
  readonly onDidDie = this.diedEmitter.event;

  get status(): KernelStatus {
    return this.statusValue;
  }

  get diedWith(): KernelDiedError | undefined {
    return this.death;
  }

  /** Dead is final: nothing after it changes the status. */
  setStatus(status: KernelStatus): void {
    if (this.statusValue === status || this.statusValue === 'dead') return;
    this.statusValue = status;
    this.statusEmitter.fire(status);
  }

  /**
   * Records the death, then tells listeners. A caller sets its clean-up going before this, so that a
   * listener's shutdown() joins that clean-up instead of starting another.
   */
  die(error: KernelDiedError): void {
    if (this.death) return;
    this.death = error;
    this.setStatus('dead');
    this.diedEmitter.fire(error);
  }

  dispose(): void {
    this.statusEmitter.dispose();
    this.diedEmitter.dispose();
  }
}
