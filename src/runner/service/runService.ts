import { timingSafeEqual } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CancellationTokenSource } from '../../core/common/cancellation';
import { errorMessage, InvalidInputError } from '../../core/common/errors';
import type { Logger } from '../../core/common/logger';
import type { JupyterServerAddress } from '../../core/kernel/jupyterServer';
import { createKernelLauncher, KernelLauncher } from '../../core/kernel/kernelLauncher';
import { KernelPool } from '../../core/kernel/kernelPool';
import { silentWarmUp } from '../../core/kernel/silentWarmUp';
import { runCells } from '../runCells';
import { parseRunRequest, RunRequest } from '../runRequest';
import type { RunResponse } from '../runResponse';
import { Admission } from './admission';
import { HttpError, readBody, sendError, sendJson } from './httpJson';
import { ServiceMetrics } from './serviceMetrics';

export interface RunServiceOptions {
  host: string;
  port: number;
  /** Required as `Authorization: Bearer <token>` on every route but /health, when set. */
  token?: string;
  /** Ready kernels kept per kernel name. */
  poolSize: number;
  /** The kernel the pool warms at start-up. */
  warmKernel: string;
  maxConcurrency: number;
  /** Requests that may wait for a free slot before more are refused with 429. */
  maxQueue: number;
  maxBodyBytes: number;
  maxStreamCharsPerCell: number;
  server?: JupyterServerAddress;
  /** Run silently, step by step, in pooled Python kernels before they are handed out; empty for none. */
  warmUpSteps: readonly string[];
  logger: Logger;
  launcher?: KernelLauncher;
}

/** The run-cells service: `POST /run_jupyter`, `GET /health`, `GET /metrics`. */
export class RunService {
  private readonly metrics = new ServiceMetrics();
  private readonly admission: Admission;
  private readonly pool: KernelPool;
  private readonly launcher: KernelLauncher;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly stops = new Set<CancellationTokenSource>();
  private closing = false;

  private constructor(private readonly options: RunServiceOptions, private readonly http: Server) {
    this.launcher = options.launcher ?? createKernelLauncher(options.logger);
    this.admission = new Admission(options.maxConcurrency, options.maxQueue);
    this.pool = new KernelPool({
      launcher: this.launcher,
      logger: options.logger,
      size: options.poolSize,
      ...(options.server ? { target: { server: options.server } } : {}),
      ...(options.warmUpSteps.length ? { warmUp: silentWarmUp('python', options.warmUpSteps) } : {}),
    });
    this.metrics.kernelsStarted.track(() => this.pool.kernelsStarted);
    this.metrics.poolReady.track(() => this.pool.readyCount());
    this.metrics.inFlight.track(() => this.admission.runningCount);
    this.metrics.waiting.track(() => this.admission.waitingCount);
  }

  static async start(options: RunServiceOptions): Promise<RunService> {
    const http = createServer();
    const service = new RunService(options, http);
    http.on('request', (request: IncomingMessage, response: ServerResponse) => service.track(service.handle(request, response)));
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(options.port, options.host, () => resolve());
    });
    service.pool.warm(options.warmKernel);
    return service;
  }

  get url(): string {
    const address = this.http.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}`;
  }

  /** Stops taking requests, stops the runs under way (they answer with what finished), and shuts every kernel down. */
  async close(): Promise<void> {
    this.closing = true;
    const closed = new Promise<void>((resolve) => this.http.close(() => resolve()));
    for (const stop of this.stops) stop.cancel();
    await Promise.all([...this.inFlight]);
    this.http.closeAllConnections();
    await closed;
    await this.pool.shutdown();
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    try {
      if (path === '/health') return this.health(request, response);
      this.authorize(request);
      if (path === '/metrics') return this.sendMetrics(request, response);
      if (path === '/run_jupyter') return await this.runJupyter(request, response);
      throw new HttpError(404, `No route ${path}; try POST /run_jupyter, GET /health or GET /metrics.`);
    } catch (error) {
      if (error instanceof HttpError) {
        this.metrics.rejected.inc({ reason: String(error.status) });
        if (!response.headersSent) sendError(response, error);
      } else {
        this.metrics.errors.inc();
        this.options.logger.error(`Request ${request.method} ${path} failed: ${errorMessage(error)}`);
        if (!response.headersSent) sendJson(response, 500, { error: `Internal error: ${errorMessage(error)}` });
      }
    } finally {
      this.metrics.requests.inc({ route: path, code: String(response.statusCode) });
    }
  }

  private requireMethod(request: IncomingMessage, method: string): void {
    if (request.method !== method) throw new HttpError(405, `Use ${method} here.`, undefined, { allow: method });
  }

  private authorize(request: IncomingMessage): void {
    const token = this.options.token;
    if (!token) return;
    const header = request.headers.authorization ?? '';
    const given = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
    const matches = given.length === token.length && timingSafeEqual(Buffer.from(given), Buffer.from(token));
    if (!matches) throw new HttpError(401, 'Missing or wrong token: send Authorization: Bearer <token>.', undefined, { 'www-authenticate': 'Bearer' });
  }

  private health(request: IncomingMessage, response: ServerResponse): void {
    this.requireMethod(request, 'GET');
    sendJson(response, 200, {
      status: this.closing ? 'closing' : 'ok',
      pool: { ready: this.pool.readyCount(), target: this.options.poolSize, kernel: this.options.warmKernel },
      running: this.admission.runningCount,
      waiting: this.admission.waitingCount,
    });
  }

  private sendMetrics(request: IncomingMessage, response: ServerResponse): void {
    this.requireMethod(request, 'GET');
    const text = this.metrics.registry.render();
    response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    response.end(text);
  }

  private async runJupyter(request: IncomingMessage, response: ServerResponse): Promise<void> {
    this.requireMethod(request, 'POST');
    if (this.closing) throw new HttpError(503, 'The service is shutting down.');
    const release = await this.admission.enter();
    if (!release) throw new HttpError(429, 'Too many requests are running or waiting; try again shortly.', undefined, { 'retry-after': '1' });
    const stop = new CancellationTokenSource();
    this.stops.add(stop);
    // A client that hangs up no longer wants the answer: stop its run and free the kernel.
    const onClose = (): void => {
      if (!response.writableEnded) stop.cancel();
    };
    response.on('close', onClose);
    const started = Date.now();
    try {
      const runRequest = this.parse(await readBody(request, this.options.maxBodyBytes));
      const { response: answer, cleanup } = await runCells(runRequest, {
        launcher: this.launcher,
        logger: this.options.logger,
        takeFreshKernel: (kernelName) => this.pool.take(kernelName),
        maxStreamCharsPerCell: this.options.maxStreamCharsPerCell,
        stop: stop.token,
        ...(this.options.server ? { server: this.options.server } : {}),
      });
      this.record(answer, (Date.now() - started) / 1000);
      sendJson(response, 200, answer);
      // The answer is out; the used kernel goes away after it, still inside this request's slot so that
      // the number of live kernels stays bounded, and inside the tracked work that close() waits for.
      await cleanup;
    } finally {
      response.off('close', onClose);
      this.stops.delete(stop);
      stop.dispose();
      release();
    }
  }

  private parse(body: Buffer): RunRequest {
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch (error) {
      throw new HttpError(400, `The body is not valid JSON: ${errorMessage(error)}`, 'body');
    }
    let request: RunRequest;
    try {
      request = parseRunRequest(json);
    } catch (error) {
      if (error instanceof InvalidInputError) throw new HttpError(400, error.message, error.field);
      throw error;
    }
    if (this.options.server && (Object.keys(request.files).length > 0 || request.fetchFiles.length > 0)) {
      throw new HttpError(400, 'files and fetch_files are not supported when kernels run on a Jupyter Server (--server).', 'files');
    }
    return request;
  }

  private record(answer: RunResponse, seconds: number): void {
    this.metrics.runs.inc({ status: answer.status });
    this.metrics.latency.observe(seconds);
    for (const cell of answer.cells) this.metrics.cells.inc({ status: cell.status });
    // The cell cut off by a total timeout is reported as `timeout` too; count it once, as the total's.
    const cellTimeouts = answer.driver.status === 'TimeLimitExceeded' ? 0 : answer.cells.filter((cell) => cell.status === 'timeout').length;
    if (cellTimeouts > 0) this.metrics.timeouts.inc({ kind: 'cell' }, cellTimeouts);
    if (answer.driver.status === 'TimeLimitExceeded') this.metrics.timeouts.inc({ kind: 'total' });
    if (answer.driver.status === 'MemoryLimitExceeded') this.metrics.timeouts.inc({ kind: 'memory' });
  }
}
