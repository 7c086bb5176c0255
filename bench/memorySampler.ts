/** Samples this process's resident set size on a timer, to report the peak above a baseline. */
export interface MemoryPeak {
  baselineBytes: number;
  peakBytes: number;
  samples: number;
}

export class PeakRssSampler {
  private readonly baseline = process.memoryUsage.rss();
  private peak = this.baseline;
  private samples = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(intervalMs = 20) {
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  private sample(): void {
    const rss = process.memoryUsage.rss();
    this.samples++;
    if (rss > this.peak) this.peak = rss;
  }

  /** Takes a last sample and stops the timer. */
  stop(): MemoryPeak {
    clearInterval(this.timer);
    this.sample();
    return { baselineBytes: this.baseline, peakBytes: this.peak, samples: this.samples };
  }
}
