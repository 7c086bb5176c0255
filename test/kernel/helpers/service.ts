import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CellResponse, RunResponse } from '../../../src/runner/runResponse';
import { RunService, RunServiceOptions } from '../../../src/runner/service/runService';
import { assertRunAnswer, errorBodyProblems } from '../../shared/sandboxFusionSchema';
import type { KernelHandle } from '../../../src/core/kernel/kernelHandle';
import { LocalKernel } from '../../../src/core/kernel/localKernel';
import { KernelTracker, logger } from './kernels';
import { SERVICE_KERNEL_LIMITS } from '../../../src/core/sandbox/kernelLimits';

/** The example of ../shared/reference/000_*.txt (SandboxFusion's Jupyter mode), byte for byte. */
export const SEED_CELLS = [
  '\na = 123\n# display stream\na\n    ',
  '\n# stdout & stderr stream\nprint(a)\nimport sys\nsys.stderr.write(str(a))\n    ',
  '\nraise Exception("This exception doesn\'t interrupt cell execution")\n    ',
  '\nimport matplotlib.pyplot as plt\n\nplt.plot([1, 2, 3], [1, 2, 3])\n    ',
];

/** What an HTTP answer of the service carried, the body parsed when it is JSON. */
export interface Answer<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

/**
 * A RunService started in this process for a suite, on a free loopback port, with a private TMPDIR: every
 * run directory and connection file goes there, and every kernel's command line names it (its connection
 * file), so `close()` can prove that nothing of the service outlived it. Kernels are started through a
 * KernelTracker, which also checks each kernel's process group. One per test file: the TMPDIR is per process.
 */
/**
 * A cell that prints which kernel runs it: its signing key, which CellBridge made for that kernel alone. (Not its
 * pid: in a sandbox every kernel is pid 2 of its own PID namespace.) IPython kernels only.
 */
export const KERNEL_KEY_CELL = 'print(get_ipython().kernel.session.key.decode())';

/** The key KERNEL_KEY_CELL prints in that kernel. */
export function keyOf(kernel: KernelHandle): string | undefined {
  return kernel instanceof LocalKernel ? kernel.connectionInfo.key : undefined;
}

export class TestService {
  private constructor(
    readonly service: RunService,
    readonly tracker: KernelTracker,
    readonly tmp: string,
    private readonly token: string | undefined,
    private readonly previousTmpdir: string | undefined,
  ) {}

  static async start(options: Partial<RunServiceOptions> = {}): Promise<TestService> {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'cellbridge-service-test-'));
    const previous = process.env.TMPDIR;
    // os.tmpdir() reads TMPDIR on every call, and kernels inherit it.
    process.env.TMPDIR = tmp;
    const tracker = new KernelTracker();
    try {
      const service = await RunService.start({
        host: '127.0.0.1',
        port: 0,
        poolSize: 1,
        warmKernel: 'python3',
        maxConcurrency: 2,
        maxQueue: 16,
        maxBodyBytes: 1024 * 1024,
        bodyTimeoutMs: 30_000,
        maxFetchBytes: 64 * 1024 * 1024,
        maxOutputCharsPerCell: 1_000_000,
        maxResponseBytes: 128 * 1024 * 1024,
        warmUpSteps: [],
        // As `cellbridge serve` runs by default.
        sandbox: true,
        kernelLimits: SERVICE_KERNEL_LIMITS,
        logger,
        launcher: tracker.launcher,
        ...options,
      });
      return new TestService(service, tracker, tmp, options.token, previous);
    } catch (error) {
      process.env.TMPDIR = previous;
      rmSync(tmp, { recursive: true, force: true });
      throw error;
    }
  }

  get url(): string {
    return this.service.url;
  }

  /** Authorization for a service started with a token. */
  get authHeaders(): Record<string, string> {
    return this.token ? { authorization: `Bearer ${this.token}` } : {};
  }

  /** POST /run_jupyter with a JSON body (a string is sent as is). */
  async run<T = RunResponse>(body: unknown, init: { headers?: Record<string, string>; signal?: AbortSignal; auth?: boolean } = {}): Promise<Answer<T>> {
    const request: RequestInit = {
      method: 'POST',
      body: typeof body === 'string' ? body : JSON.stringify(body),
      headers: { 'content-type': 'application/json', ...init.headers },
      ...(init.signal ? { signal: init.signal } : {}),
    };
    return this.request<T>('/run_jupyter', request, init.auth ?? true);
  }

  /** A run that must answer 200; its RunResponse. */
  async runOk(body: object): Promise<RunResponse> {
    const answer = await this.run(body);
    if (answer.status !== 200) throw new Error(`POST /run_jupyter answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  }

  /**
   * Any route; with the service's token unless `auth` is false. Every answer of /run_jupyter is checked
   * (assertRunJupyterAnswer) before a test sees it.
   */
  async request<T = unknown>(route: string, init: RequestInit = {}, auth = true): Promise<Answer<T>> {
    const headers = { ...(auth ? this.authHeaders : {}), ...(init.headers as Record<string, string> | undefined) };
    const response = await fetch(this.url + route, { ...init, headers });
    const text = await response.text();
    const isJson = (response.headers.get('content-type') ?? '').startsWith('application/json');
    const body = isJson ? (JSON.parse(text) as unknown) : text;
    if (new URL(route, this.url).pathname === '/run_jupyter') assertRunJupyterAnswer(response.status, body, isJson);
    return { status: response.status, headers: response.headers, body: body as T };
  }

  async metrics(): Promise<Metrics> {
    const answer = await this.request<string>('/metrics');
    if (answer.status !== 200) throw new Error(`GET /metrics answered ${answer.status}`);
    return new Metrics(answer.body);
  }

  /**
   * Closes the service, then lists what it left: processes whose command line names the TMPDIR (kernels),
   * entries of the TMPDIR (run directories, connection files), and live processes of any kernel's group.
   */
  async close(): Promise<string[]> {
    try {
      await this.service.close();
      // The sandboxed kernels' HOME on the host (sandboxHome.ts) belongs to this process, as its fork servers do,
      // not to the service: it holds the servers' caches, never a kernel's files (each sandbox has a tmpfs there).
      const files = readdirSync(this.tmp).filter((name) => !/^cellbridge-kernel-\d+-home-/.test(name));
      const leftovers = [...files.map((name) => `file: ${name}`), ...processesMentioning(this.tmp)];
      try {
        this.tracker.assertNothingLeft();
      } catch (error) {
        leftovers.push(String(error));
      }
      return leftovers;
    } finally {
      process.env.TMPDIR = this.previousTmpdir;
      if (this.previousTmpdir === undefined) delete process.env.TMPDIR;
      rmSync(this.tmp, { recursive: true, force: true });
    }
  }
}

/**
 * What every answer of POST /run_jupyter must be: a 200 is a run-cells answer that SandboxFusion's client
 * accepts and that has our contract's fields; any other status is a JSON refusal `{error, field?}`.
 */
export function assertRunJupyterAnswer(status: number, body: unknown, isJson = true): void {
  assert.ok(isJson, `POST /run_jupyter answered ${status} with a body that is not JSON: ${String(body).slice(0, 200)}`);
  if (status === 200) {
    assertRunAnswer(body);
  } else {
    const problems = errorBodyProblems(body);
    assert.deepEqual(problems, [], `the ${status} refusal of POST /run_jupyter is {error, field?}: ${JSON.stringify(body)}`);
  }
}

export function processesMentioning(text: string): string[] {
  try {
    return execFileSync('pgrep', ['-af', text], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map((line) => `process: ${line}`);
  } catch {
    return []; // pgrep exits 1 when nothing matches.
  }
}

/** A /metrics page in the Prometheus text format, read back by sample. */
export class Metrics {
  readonly samples = new Map<string, number>();
  readonly types = new Map<string, string>();

  constructor(readonly text: string) {
    for (const line of text.split('\n')) {
      if (!line) continue;
      const type = /^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/.exec(line);
      if (type) {
        this.types.set(type[1]!, type[2]!);
        continue;
      }
      if (line.startsWith('#')) continue;
      const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$/.exec(line);
      if (!sample) throw new Error(`not a Prometheus sample line: ${JSON.stringify(line)}`);
      this.samples.set(sample[1]! + (sample[2] ?? ''), Number(sample[3]));
    }
  }

  /** The value of a sample; labels in any order. Undefined when there is no such sample. */
  value(name: string, labels: Record<string, string> = {}): number | undefined {
    const wanted = Object.entries(labels)
      .map(([k, v]) => `${k}="${v}"`)
      .sort();
    for (const [key, value] of this.samples) {
      const match = /^([^{]+)(?:\{(.*)\})?$/.exec(key)!;
      if (match[1] !== name) continue;
      const have = (match[2] ? match[2].match(/[a-zA-Z_]+="(?:[^"\\]|\\.)*"/g) ?? [] : []).sort();
      if (have.length === wanted.length && have.every((label, i) => label === wanted[i])) return value;
    }
    return undefined;
  }

  /** Like value(), with 0 for a sample that is absent (a counter never increased for those labels). */
  count(name: string, labels: Record<string, string> = {}): number {
    return this.value(name, labels) ?? 0;
  }
}

/**
 * The file `name` in whichever of the service's run directories (under its TMPDIR, `runsDir`) holds it: where a
 * cell can leave a sign for the test, as a sandboxed kernel can write nowhere else.
 */
export function fileInARunDir(runsDir: string, name: string): string | undefined {
  return readdirSync(runsDir)
    .filter((entry) => entry.startsWith('cellbridge-run-'))
    .map((entry) => path.join(runsDir, entry, name))
    .find((file) => existsSync(file));
}

/**
 * A file a cell waits for: the test decides when the cell goes on, instead of guessing with a sleep.
 * The cell gives up after 60 s, so a failing test never leaves a cell waiting for ever. A sandboxed kernel
 * sees no host folder but its own run directory, so the gate is a file there: opening it puts it in every
 * run directory of the service, and keeps putting it in those made later, until the gate is disposed.
 */
export class Gate {
  private opener: NodeJS.Timeout | undefined;

  private constructor(private readonly runsDir: string, private readonly name: string) {}

  /** `runsDir`: where the service makes its run directories (its TMPDIR). */
  static create(runsDir: string): Gate {
    return new Gate(runsDir, `gate-${process.hrtime.bigint()}`);
  }

  /** Python that returns once the gate is open. */
  get waitCode(): string {
    return `import os, time\n_deadline = time.time() + 60\nwhile not os.path.exists(${JSON.stringify(this.name)}) and time.time() < _deadline:\n    time.sleep(0.02)`;
  }

  open(): void {
    const put = (): void => {
      for (const entry of readdirSync(this.runsDir)) {
        if (!entry.startsWith('cellbridge-run-')) continue;
        try {
          const file = path.join(this.runsDir, entry, this.name);
          if (!existsSync(file)) writeFileSync(file, '');
        } catch {
          // The run ended and its directory went meanwhile.
        }
      }
    };
    put();
    this.opener ??= setInterval(put, 10);
  }

  dispose(): void {
    clearInterval(this.opener);
  }
}

/**
 * Asserts that an answer to the seed example has the shape and values of the answer in SandboxFusion's doc
 * (000_*.txt): the same fields at every level (ours added beside them), the same outputs, and a real PNG.
 */
export function assertSeedAnswer(response: RunResponse): void {
  assertRunAnswer(response);
  assert.deepEqual(Object.keys(response).sort(), ['cells', 'driver', 'executor_pod_name', 'files', 'message', 'status']);
  assert.equal(response.status, 'Success', response.message);
  assert.equal(response.message, '');
  assert.deepEqual(Object.keys(response.driver).sort(), ['execution_time', 'return_code', 'status', 'stderr', 'stdout']);
  assert.equal(response.driver.status, 'Finished');
  assert.equal(response.driver.return_code, 0);
  assert.equal(typeof response.driver.execution_time, 'number');
  assert.equal(response.executor_pod_name, null);
  assert.deepEqual(response.files, {});
  assert.equal(response.cells.length, 4);
  for (const cell of response.cells) {
    for (const field of ['stdout', 'stderr', 'display', 'error'] as const) assert.ok(field in cell, `every cell has ${field}`);
  }
  const [first, second, third, fourth] = response.cells as [CellResponse, CellResponse, CellResponse, CellResponse];
  assert.deepEqual([first.stdout, first.stderr, first.display, first.error], ['', '', [{ 'text/plain': '123' }], []]);
  assert.deepEqual([second.stdout, second.stderr, second.display, second.error], ['123\n', '123', [{ 'text/plain': '3' }], []]);
  assert.deepEqual([third.stdout, third.stderr, third.display], ['', '', []]);
  assert.equal(third.error.length, 1);
  assert.equal(third.error[0]?.ename, 'Exception');
  assert.equal(third.error[0]?.evalue, "This exception doesn't interrupt cell execution");
  assert.ok(third.error[0]?.traceback.some((line) => line.includes('Exception')));
  assert.deepEqual([fourth.stdout, fourth.stderr, fourth.error], ['', '', []]);
  assert.equal(fourth.display.length, 2);
  assert.match(String(fourth.display[0]?.['text/plain']), /^\[<matplotlib\.lines\.Line2D at 0x[0-9a-f]+>\]$/);
  assert.equal(fourth.display[1]?.['text/plain'], '<Figure size 640x480 with 1 Axes>');
  const png = Buffer.from(String(fourth.display[1]?.['image/png']), 'base64');
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'the PNG signature');
  assert.ok(png.length > 5000, `a whole figure, not ${png.length} bytes`);
  assert.deepEqual(response.cells.map((cell) => cell.execution_count), [1, 2, 3, 4]);
}
