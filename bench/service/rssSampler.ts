import { trackKernelPid } from '../kernelPids';
import { descendantsOf, residentBytes } from './processTree';

export interface RssPeaks {
  /** The service process alone (Node: HTTP, pool bookkeeping, outputs in flight). */
  serviceBytes: number;
  /** All its descendants together (the kernels), at the sample where their sum was highest. */
  kernelsBytes: number;
  /** The most descendants alive at one sample. */
  kernels: number;
}

export interface RssReport {
  /** Once the pool was first full, before any request. */
  idle: RssPeaks;
  peak: RssPeaks;
  /** Peaks within each phase of the run. */
  phases: Record<string, RssPeaks>;
  samples: { service: number; tree: number };
}

const emptyPeaks = (): RssPeaks => ({ serviceBytes: 0, kernelsBytes: 0, kernels: 0 });

/**
 * Samples the service's VmRSS often (cheap: one /proc file) and its process tree less often (a walk of
 * /proc); every descendant seen is tracked so that the end of the run can prove none outlived the service.
 */
export class ServiceRssSampler {
  private readonly peak = emptyPeaks();
  private idle = emptyPeaks();
  private readonly phases: Record<string, RssPeaks> = {};
  private phase: RssPeaks | undefined;
  private readonly counts = { service: 0, tree: 0 };
  private readonly timers: NodeJS.Timeout[];

  constructor(private readonly pid: number, serviceEveryMs = 50, treeEveryMs = 250) {
    this.timers = [setInterval(() => this.sampleService(), serviceEveryMs), setInterval(() => this.sampleTree(), treeEveryMs)];
  }

  /** Records the current state as the idle baseline (call once the pool is full). */
  markIdle(): void {
    this.idle = { serviceBytes: residentBytes(this.pid) ?? 0, ...this.treeNow() };
  }

  startPhase(name: string): void {
    this.phase = this.phases[name] = emptyPeaks();
  }

  endPhase(): void {
    this.sampleService();
    this.sampleTree();
    this.phase = undefined;
  }

  /** A last sample (which also tracks any kernel started since the previous walk), then no more. */
  stop(): RssReport {
    for (const timer of this.timers) clearInterval(timer);
    this.sampleService();
    this.sampleTree();
    return { idle: this.idle, peak: { ...this.peak }, phases: this.phases, samples: { ...this.counts } };
  }

  private sampleService(): void {
    const rss = residentBytes(this.pid);
    if (rss === undefined) return;
    this.counts.service++;
    for (const peaks of this.targets()) peaks.serviceBytes = Math.max(peaks.serviceBytes, rss);
  }

  private sampleTree(): void {
    const { kernelsBytes, kernels } = this.treeNow();
    this.counts.tree++;
    for (const peaks of this.targets()) {
      peaks.kernelsBytes = Math.max(peaks.kernelsBytes, kernelsBytes);
      peaks.kernels = Math.max(peaks.kernels, kernels);
    }
  }

  private treeNow(): { kernelsBytes: number; kernels: number } {
    let kernelsBytes = 0;
    let kernels = 0;
    for (const pid of descendantsOf(this.pid)) {
      trackKernelPid(pid);
      const rss = residentBytes(pid);
      if (rss === undefined) continue;
      kernelsBytes += rss;
      kernels++;
    }
    return { kernelsBytes, kernels };
  }

  private targets(): RssPeaks[] {
    return this.phase ? [this.peak, this.phase] : [this.peak];
  }
}
