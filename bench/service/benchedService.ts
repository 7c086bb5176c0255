import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { benchEnv } from '../benchConfig';
import { HttpJsonClient } from './httpJsonClient';
import { type RssReport, ServiceRssSampler } from './rssSampler';
import { ServiceProbe } from './serviceProbe';
import { ServiceProcess, type ServiceStop } from './serviceProcess';

/** What the report says of one service of the run, sandbox on or off. */
export interface ServiceRecord {
  sandbox: boolean;
  /** The command line it ran with. */
  command: string;
  /** From its URL line until its pool was first full and idle. */
  poolFullAfterMs: number;
  memory?: RssReport;
  stop?: ServiceStop;
  /** Entries left in its private TMPDIR (run directories, connection files) once it stopped. */
  leftTempEntries: string[];
  /** What it printed on stderr besides its URL (the sandbox's guarantees, warnings, shut-down). */
  log: string[];
}

/**
 * One `cellbridge serve` of the run, as a child process, with what the benchmark keeps beside it: a TMPDIR of
 * its own (its run directories and connection files go there, so that what it leaves behind can be seen), a
 * memory sampler (which also tracks every process it starts), an HTTP client and a probe of /health.
 */
export class BenchedService {
  readonly client: HttpJsonClient;
  readonly probe: ServiceProbe;
  readonly sampler: ServiceRssSampler;
  readonly record: ServiceRecord;
  private stopping: Promise<ServiceRecord> | undefined;

  private constructor(sandbox: boolean, private readonly serviceProcess: ServiceProcess, private readonly tmpDir: string) {
    this.client = new HttpJsonClient(serviceProcess.url);
    this.probe = new ServiceProbe(this.client);
    this.sampler = new ServiceRssSampler(serviceProcess.pid);
    this.record = { sandbox, command: `cellbridge ${serviceProcess.args.slice(1).join(' ')}`, poolFullAfterMs: NaN, leftTempEntries: [], log: serviceProcess.log };
  }

  /** `serve --port 0 <serveArgs> --sandbox on|off`, explicitly either way. */
  static async start(sandbox: boolean, serveArgs: readonly string[]): Promise<BenchedService> {
    const tmpDir = mkdtempSync(path.join(os.tmpdir(), `cellbridge-bench-service-${sandbox ? 'on' : 'off'}-`));
    try {
      const serviceProcess = await ServiceProcess.start([...serveArgs, '--sandbox', sandbox ? 'on' : 'off'], { ...benchEnv(), TMPDIR: tmpDir });
      return new BenchedService(sandbox, serviceProcess, tmpDir);
    } catch (error) {
      rmSync(tmpDir, { recursive: true, force: true });
      throw error;
    }
  }

  /** Waits for the pool to be full and the service idle for the first time; throws if it is not within `timeoutMs`. */
  async firstFill(timeoutMs: number): Promise<void> {
    const filled = await this.probe.settle(timeoutMs);
    if (filled.timedOut) throw new Error(`not full after ${timeoutMs / 1000} s (ready ${filled.ready})`);
    this.record.poolFullAfterMs = filled.waitedMs;
  }

  /** SIGTERM (it shuts its pool down), then what it left in its TMPDIR; once, however often it is called. */
  stop(): Promise<ServiceRecord> {
    this.stopping ??= (async () => {
      this.record.memory = this.sampler.stop();
      this.client.close();
      this.record.stop = await this.serviceProcess.stop();
      this.record.leftTempEntries = leftovers(this.tmpDir);
      rmSync(this.tmpDir, { recursive: true, force: true });
      return this.record;
    })();
    return this.stopping;
  }
}

function leftovers(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
