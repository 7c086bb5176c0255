import { setTimeout as sleep } from 'node:timers/promises';
import type { HttpJsonClient } from './httpJsonClient';

export interface Health {
  status: string;
  pool: { ready: number; target: number; kernel: string };
  running: number;
  waiting: number;
}

export interface Settled {
  /** How long it took for the pool to be full and nothing to run (kernel clean-ups included). */
  waitedMs: number;
  /** The pool as the next request finds it. */
  ready: number;
  timedOut: boolean;
}

export interface PoolPolls {
  polls: number;
  /** Polls that saw no ready kernel: a request arriving then would wait for a kernel start. */
  empty: number;
  /** Polls that got no answer. */
  failed: number;
}

const POLL_MS = 50;

/** What the service says about itself on GET /health and GET /metrics. */
export class ServiceProbe {
  constructor(private readonly client: HttpJsonClient) {}

  async health(): Promise<Health> {
    const reply = await this.client.get<Health>('/health');
    if (reply.status !== 200) throw new Error(`GET /health: HTTP ${reply.status}`);
    return reply.body;
  }

  /** Waits until the pool is full and no run (nor its kernel's clean-up) is under way, or the timeout passes. */
  async settle(timeoutMs: number): Promise<Settled> {
    const started = performance.now();
    for (;;) {
      const health = await this.health();
      const waitedMs = performance.now() - started;
      const settled = health.pool.ready >= health.pool.target && health.running === 0 && health.waiting === 0;
      if (settled || waitedMs >= timeoutMs) return { waitedMs, ready: health.pool.ready, timedOut: !settled };
      await sleep(POLL_MS);
    }
  }

  /** `cellbridge_kernels_started_total` from /metrics. */
  async kernelsStarted(): Promise<number> {
    const text = await this.client.getText('/metrics');
    const match = /^cellbridge_kernels_started_total(?:\{\})? (\d+)/m.exec(text);
    if (!match) throw new Error('GET /metrics has no cellbridge_kernels_started_total');
    return Number(match[1]);
  }

  /** Polls /health every `everyMs` until the returned stop() is called: how often the pool stood empty. */
  watchPool(everyMs = 200): () => Promise<PoolPolls> {
    const counts: PoolPolls = { polls: 0, empty: 0, failed: 0 };
    let running = true;
    const loop = (async () => {
      while (running) {
        try {
          const health = await this.health();
          counts.polls++;
          if (health.pool.ready === 0) counts.empty++;
        } catch {
          counts.failed++;
        }
        await sleep(everyMs);
      }
    })();
    return async () => {
      running = false;
      await loop;
      return counts;
    };
  }
}
