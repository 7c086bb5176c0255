import { timingSafeEqual } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Deferred } from '../../core/common/async';
import { CancellationToken, CancellationTokenSource } from '../../core/common/cancellation';
import { errorMessage } from '../../core/common/errors';
import type { Logger } from '../../core/common/logger';
import type { JupyterServerAddress } from '../../core/kernel/jupyterServer';
import { createKernelLauncher, KernelLauncher, type KernelPlacement } from '../../core/kernel/kernelLauncher';
import { KernelPool } from '../../core/kernel/kernelPool';
import { pythonWarmUp } from '../../core/kernel/silentWarmUp';
import { SharedFontCaches } from '../../core/sandbox/fontCache';
import { type KernelLimits, MIB } from '../../core/sandbox/kernelLimits';
import { sameLimitForEveryOutput } from '../../core/outputs/outputLimits';
import { responseText } from '../responseText';
import { runCells } from '../runCells';
import type { RunRequest } from '../runRequest';
import { Admission } from './admission';
import { BodyAllowance, BodyBudget } from './bodyBudget';
import { HttpError, readBody, sendError, sendJson, sendJsonPieces } from './httpJson';
import { parseServiceRequest } from './serviceRequest';
import { cellTimeoutsOf, ServiceMetrics } from './serviceMetrics';

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
  /** Characters each cell keeps of stream text, of display data and of errors, each (`--max-output-chars`). */
  maxOutputCharsPerCell: number;
  /** The answer's size as JSON: past it, outputs are left out (responseText.ts), never the cells' statuses. */
  maxResponseBytes: number;
  /** A request body still incomplete this long after its headers arrived is refused with 408. */
  bodyTimeoutMs: number;
  /** Bytes of `fetch_files` read back per run, all files together. */
  maxFetchBytes: number;
  server?: JupyterServerAddress;
  /** Run every local kernel, pooled ones included, in a sandbox of its own (src/core/sandbox/). */
  sandbox: boolean;
  /**
   * What each local kernel may use. Its memory is also the ceiling of a request's memory_limit_MB (and the
   * limit of one that sets none), sandboxed or not; the rest holds in the sandbox.
   */
  kernelLimits: KernelLimits;
  /** Run silently, step by step, in pooled Python kernels before they are handed out; empty for none. */
  warmUpSteps: readonly string[];
  logger: Logger;
  launcher?: KernelLauncher;
}

/** The run-cells service: `POST /run_jupyter`, `GET /health`, `GET /metrics`. */
export class RunService {
  private readonly metrics = new ServiceMetrics();
  private readonly admission: Admission;
  private readonly bodies: BodyBudget;
  /** Requests of /run_jupyter whose body is being read. */
  private reading = 0;
  private readonly pool: KernelPool;
  private readonly launcher: KernelLauncher;
  /** Where every kernel of the service starts, pooled or not. */
  private readonly placement: KernelPlacement;
  /** Sandboxed kernels, started one after another, share a prebuilt matplotlib font list; removed at close. */
  private readonly fontCaches = new SharedFontCaches();
  private readonly inFlight = new Set<Promise<void>>();
  /** One per request of /run_jupyter, from its arrival to its answer: cancelled when its client leaves or the service closes. */
  private readonly stops = new Set<CancellationTokenSource>();
  private closing: Promise<void> | undefined;

  private constructor(private readonly options: RunServiceOptions, private readonly http: Server) {
    const launch = options.launcher ?? createKernelLauncher(options.logger);
    this.placement = options.server ? { server: options.server } : options.sandbox ? { sandbox: true, limits: options.kernelLimits, fontCaches: this.fontCaches } : {};
    // Every kernel the service starts is counted: pooled, on demand, and replacements after a timeout.
    this.launcher = async (target) => {
      const kernel = await launch(target);
      this.metrics.kernelStarted();
      return kernel;
    };
    this.admission = new Admission(options.maxConcurrency, options.maxQueue);
    // As much as the requests running and waiting could hold when each took its slot before reading its body.
    this.bodies = new BodyBudget((options.maxConcurrency + options.maxQueue) * options.maxBodyBytes);
    this.pool = new KernelPool({
      launcher: this.launcher,
      logger: options.logger,
      size: options.poolSize,
      // One request's code must not be readable by the next (IPython writes history to the user's profile).
      target: { historyInMemory: true, ...this.placement },
      ...(options.warmUpSteps.length ? { warmUp: pythonWarmUp(options.warmUpSteps) } : {}),
    });
    this.metrics.poolReady.track(() => this.pool.readyCount());
    this.metrics.inFlight.track(() => this.admission.runningCount);
    this.metrics.waiting.track(() => this.admission.waitingCount);
    this.metrics.reading.track(() => this.reading);
  }

  static async start(options: RunServiceOptions): Promise<RunService> {
    const http = createServer();
    // Node's own limit on receiving a whole request answers a bare 408 without our JSON; ours must speak first.
    if (http.requestTimeout > 0) http.requestTimeout = Math.max(http.requestTimeout, options.bodyTimeoutMs + 5000);
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

  /**
   * Stops taking requests: those waiting for a slot get 503, the runs under way stop and answer with what
   * finished. Then every kernel is shut down and every run directory removed.
   */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.http.close(() => resolve()));
    for (const stop of this.stops) stop.cancel();
    await Promise.all([...this.inFlight]);
    this.http.closeAllConnections();
    await closed;
    await this.pool.shutdown();
    await this.fontCaches.dispose();
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    // handle() answers every failure itself, so `work` never rejects and neither does this.
    void work.finally(() => this.inFlight.delete(work));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    // Counted when the answer is out (or the client gone), not when a run's clean-up ends.
    response.once('close', () => this.metrics.request(path, response.writableFinished ? response.statusCode : 499));
    try {
      if (path === '/health') return this.health(request, response);
      this.authorize(request);
      if (path === '/metrics') return this.sendMetrics(request, response);
      if (path === '/run_jupyter') return await this.runJupyter(request, response);
      throw new HttpError(404, `No route ${path}; try POST /run_jupyter, GET /health or GET /metrics.`);
    } catch (error) {
      if (error instanceof HttpError) {
        this.metrics.rejection(error.status);
        if (!response.headersSent) sendError(response, error);
      } else {
        this.metrics.error();
        this.options.logger.error(`Request ${request.method} ${path} failed: ${errorMessage(error)}`);
        if (!response.headersSent) sendJson(response, 500, { error: `Internal error: ${errorMessage(error)}` });
      }
    }
  }

  private requireMethod(request: IncomingMessage, method: string): void {
    if (request.method !== method) throw new HttpError(405, `Use ${method} here.`, undefined, { allow: method });
  }

  private authorize(request: IncomingMessage): void {
    const token = this.options.token;
    if (!token) return;
    const header = request.headers.authorization ?? '';
    const given = Buffer.from(header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '');
    const expected = Buffer.from(token);
    const matches = given.length === expected.length && timingSafeEqual(given, expected);
    if (!matches) throw new HttpError(401, 'Missing or wrong token: send Authorization: Bearer <token>.', undefined, { 'www-authenticate': 'Bearer' });
  }

  private health(request: IncomingMessage, response: ServerResponse): void {
    this.requireMethod(request, 'GET');
    sendJson(response, 200, {
      status: this.closing ? 'closing' : 'ok',
      pool: { ready: this.pool.readyCount(this.options.warmKernel), target: this.options.poolSize, kernel: this.options.warmKernel },
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
    if (this.closing) throw shuttingDown();
    const arrived = Date.now();
    const stop = new CancellationTokenSource();
    this.stops.add(stop);
    // A client that hangs up no longer wants the answer: its body is no longer read, it leaves the queue, or
    // its run stops and frees the kernel.
    const onClose = (): void => {
      if (!response.writableEnded) stop.cancel();
    };
    response.on('close', onClose);
    const allowance = this.bodies.allowance();
    try {
      // The whole body first, and only then a run slot: a client slow to send holds no slot, only the bytes it sent.
      const runRequest = await this.receive(request, stop.token, allowance);
      const release = await this.admission.enter(stop.token);
      if (!release) {
        if (this.closing) throw shuttingDown();
        if (stop.token.isCancellationRequested) throw new HttpError(499, 'The client left before its turn came.');
        throw new HttpError(429, 'Too many requests are running or waiting; try again shortly.', undefined, { 'retry-after': '1' });
      }
      try {
        await this.serveRun(runRequest, response, stop.token, arrived);
      } finally {
        release();
      }
    } finally {
      allowance.release();
      response.off('close', onClose);
      this.stops.delete(stop);
      stop.dispose();
    }
  }

  /** The request's body, read within its limits and deadline, as a RunRequest; an HttpError when it cannot be. */
  private async receive(request: IncomingMessage, stop: CancellationToken, allowance: BodyAllowance): Promise<RunRequest> {
    let body: Buffer;
    this.reading++;
    try {
      body = await readBody(request, { maxBytes: this.options.maxBodyBytes, timeoutMs: this.options.bodyTimeoutMs, allowance }, stop);
    } catch (error) {
      // Reading stops when the service closes or the client leaves; a client's connection that breaks may
      // also fail the read before its leaving is noticed.
      if (this.closing) throw shuttingDown();
      if (stop.isCancellationRequested || request.socket.destroyed) throw new HttpError(499, 'The client left before its request body was read.');
      throw error;
    } finally {
      this.reading--;
    }
    return parseServiceRequest(body, { remoteKernels: this.options.server !== undefined, memoryCeilingMB: this.options.kernelLimits.memoryBytes / MIB });
  }

  private async serveRun(runRequest: RunRequest, response: ServerResponse, stop: CancellationToken, arrived: number): Promise<void> {
    // The pool refills once this request is answered: a refill's start and warm-up would otherwise take CPU from its cells.
    const answered = new Deferred<void>();
    try {
      await this.runAndAnswer(runRequest, response, stop, arrived, answered);
    } finally {
      answered.resolve();
    }
  }

  private async runAndAnswer(runRequest: RunRequest, response: ServerResponse, stop: CancellationToken, arrived: number, answered: Deferred<void>): Promise<void> {
    const { response: answer, runs, cleanup } = await runCells(runRequest, {
      launcher: this.launcher,
      logger: this.options.logger,
      takeFreshKernel: (kernelName) => this.pool.take(kernelName, { refillAfter: answered.promise }),
      killKernelsAtEnd: true,
      outputLimits: sameLimitForEveryOutput(this.options.maxOutputCharsPerCell),
      maxFetchBytes: this.options.maxFetchBytes,
      stop,
      placement: this.placement,
    });
    this.metrics.run(answer, (Date.now() - arrived) / 1000, cellTimeoutsOf(runs));
    await sendJsonPieces(response, 200, responseText(answer, this.options.maxResponseBytes));
    answered.resolve();
    // The answer is out; the used kernel goes away after it, still inside this request's slot so that
    // the number of live kernels stays bounded, and inside the tracked work that close() waits for.
    await cleanup;
  }
}

/** The answer to a request that arrives, or is still waiting for a slot, while the service closes. */
function shuttingDown(): HttpError {
  return new HttpError(503, 'The service is shutting down.');
}
