import { promises as fs, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { KernelSpecAPI } from '@jupyterlab/services';
import { CancellationTokenSource } from '../core/common/cancellation';
import { CellBridgeError, errorMessage, InvalidInputError, SandboxUnavailableError, StdinUnavailableError } from '../core/common/errors';
import { Logger, stderrLogger } from '../core/common/logger';
import { linesInputProvider } from '../core/execution/stdin';
import { describeServerFailure, serverSettingsFor } from '../core/kernel/jupyterServer';
import { createKernelLauncher } from '../core/kernel/kernelLauncher';
import { ForkServers, type KernelStartMode } from '../core/kernel/fork/forkServers';
import { findKernelspecs } from '../core/kernel/kernelspec';
import { environmentKernelName } from '../core/environments/environmentKernelspec';
import { findEnvironments } from '../core/environments/findEnvironments';
import { kernelspecsCarriedBy } from '../core/environments/kernelspecsInEnvironment';
import { environmentLabel } from '../core/environments/pythonEnvironment';
import { environmentKernelspecAt, environmentKernelspecNamed, environmentKernelspecs } from './environmentKernels';
import { probeCgroups } from '../core/sandbox/cgroupProbe';
import { hideFromKernels } from '../core/sandbox/hiddenPaths';
import { sandboxGuarantees } from '../core/sandbox/sandboxGuarantees';
import { probeSandbox } from '../core/sandbox/sandboxProbe';
import { WidgetStateRecorder } from '../core/outputs/widgetState';
import { CliCommand, parseCliArgs, RunOptions, ServeOptions, ServerOption, USAGE } from './cliArgs';
import { serializeNotebook } from '../core/formats/notebookFile';
import { formatPretty } from './prettyPrint';
import { ProgressLine } from './progress';
import { runCells } from './runCells';
import { responseText } from './responseText';
import { RunService } from './service/runService';
import { prepareRun } from './runFile';

const EXIT = { finished: 0, limit: 1, cannotStart: 2, interrupted: 130 } as const;

export async function main(argv: string[]): Promise<number> {
  let command: CliCommand;
  try {
    command = parseCliArgs(argv, process.env);
  } catch (error) {
    process.stderr.write(`cellbridge: ${errorMessage(error)}\n\n${USAGE}\n`);
    return EXIT.cannotStart;
  }
  const verbose = command.command === 'run' || command.command === 'serve' ? command.options.verbose : command.command === 'kernels' && command.verbose;
  const logger = stderrLogger(verbose);
  routeLibraryConsole(logger);
  try {
    switch (command.command) {
      case 'help':
        process.stdout.write(`${USAGE}\n`);
        return EXIT.finished;
      case 'version':
        process.stdout.write(`${packageVersion()}\n`);
        return EXIT.finished;
      case 'kernels':
        return await listKernels(command.json, command.server);
      case 'run':
        return await runFile(command.file, command.options, logger);
      case 'serve':
        return await serve(command.options, logger);
    }
  } catch (error) {
    process.stderr.write(`cellbridge: ${errorMessage(error)}\n`);
    if (!(error instanceof CellBridgeError)) logger.debug(error instanceof Error && error.stack ? error.stack : String(error));
    return EXIT.cannotStart;
  }
}

async function runFile(file: string, options: RunOptions, logger: Logger): Promise<number> {
  const prepared = await prepareRun(file, options);
  const environment =
    options.python !== undefined
      ? await environmentKernelspecAt(options.python, '--python')
      : options.server
        ? undefined
        : await environmentKernelspecNamed(prepared.request.kernel, prepared.workDir ?? process.cwd());
  if (environment) prepared.request.kernel = environment.name;
  const stdinLines = options.stdin === undefined ? undefined : await readStdinLines(options.stdin);
  const progress = new ProgressLine(process.stderr);
  const stop = new CancellationTokenSource();
  // Widget state is saved only in a written notebook, so it is recorded only for one (its buffers can be large).
  const widgets = options.output ? new WidgetStateRecorder() : undefined;
  let languageInfo: Record<string, unknown> | undefined;
  let interrupted = false;
  const onSignal = (): void => {
    interrupted = true;
    stop.cancel();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const forkServers = forkServersFor(options, logger);
  try {
    const { response, runs, cleanup } = await runCells(prepared.request, {
      launcher: createKernelLauncher(logger, { ...(environment ? { kernelspecs: new Map([[environment.name, environment]]) } : {}), ...(forkServers ? { forkServers } : {}) }),
      logger,
      stop: stop.token,
      placement: options.server ? { server: options.server } : options.sandbox ? { sandbox: true } : {},
      ...(prepared.workDir ? { workDir: prepared.workDir } : {}),
      ...(stdinLines ? { stdin: linesInputProvider(stdinLines, (request) => new StdinUnavailableError(request.prompt)) } : {}),
      onCellStateChange: (run, total) => progress.update(run, total),
      ...(options.output
        ? {
            onKernel: ({ kernel, comms, outputWidgets }) => {
              widgets?.observe(comms, outputWidgets);
              // Ready kernels have answered kernel_info already: this resolves before any cell ends.
              kernel.connection.info.then((info) => (languageInfo = { ...info.language_info }), () => undefined);
            },
          }
        : {}),
    });
    await cleanup;
    progress.clear();
    if (options.output && response.status !== 'SandboxError') {
      await fs.writeFile(options.output, serializeNotebook(prepared.executedNotebook(runs, { widgetState: widgets?.toMetadata(), languageInfo })));
    }
    if (options.pretty) {
      process.stdout.write(formatPretty(response, { color: process.stdout.isTTY === true }));
    } else {
      // Cell by cell, with no size limit: one string of a whole answer could pass V8's longest string.
      for (const piece of responseText(response).pieces) process.stdout.write(piece);
      process.stdout.write('\n');
    }
    if (interrupted) return EXIT.interrupted;
    return response.status === 'Success' ? EXIT.finished : response.status === 'Failed' ? EXIT.limit : EXIT.cannotStart;
  } finally {
    progress.clear();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    stop.dispose();
    widgets?.dispose();
    forkServers?.dispose();
  }
}

/**
 * Fork servers for a run or the service, when kernels start that way and are local (sandboxed or not). A
 * kernel start waits for its server rather than spawning meanwhile: a second interpreter warming up beside
 * the server would only slow both down.
 */
function forkServersFor(options: { kernelStart: KernelStartMode; server?: unknown }, logger: Logger): ForkServers | undefined {
  if (options.kernelStart !== 'fork' || options.server) return undefined;
  return new ForkServers({ logger, waitForStart: true });
}

/** Serves until SIGINT or SIGTERM, then answers the runs under way with what finished and shuts every kernel down. */
async function serve(options: ServeOptions, logger: Logger): Promise<number> {
  // Read already (parseCliArgs); gone from the environment that every kernel, sandboxed or not, starts from.
  delete process.env.CELLBRIDGE_TOKEN;
  if (options.tokenFile) hideFromKernels(options.tokenFile);
  if (!isLoopback(options.host) && !options.token) {
    logger.warn(`Listening on ${options.host} without --token: anyone who can reach this port can run code here.`);
  }
  await checkSandbox(options, logger);
  const kernelspecs = await environmentKernelspecs(options.environments);
  const forkServers = forkServersFor(options, logger);
  const service = await RunService.start({ ...options, logger, launcher: createKernelLauncher(logger, { kernelspecs, ...(forkServers ? { forkServers } : {}) }) });
  const starts = forkServers ? `Python kernels forked from a warm server${options.sandbox ? ' into their sandboxes' : ''}` : 'kernels spawned';
  process.stderr.write(`cellbridge: serving POST ${service.url}/run_jupyter (pool ${options.poolSize} × ${options.warmKernel}, ${options.maxConcurrency} at once; ${starts})\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  process.stderr.write('cellbridge: shutting down…\n');
  await service.close();
  forkServers?.dispose();
  return EXIT.finished;
}

/**
 * Refuses to serve with a sandbox that cannot be made here (saying why and how to fix it), warns when it is
 * off, and says at start-up what a kernel's sandbox guarantees on this host and what it does not yet.
 */
async function checkSandbox(options: ServeOptions, logger: Logger): Promise<void> {
  if (options.server) return;
  if (!options.sandbox) {
    logger.warn('--sandbox off: kernels run as this user, with its network, files and processes. Serve only code you trust.');
    return;
  }
  const support = await probeSandbox();
  if (support.kind === 'unavailable') {
    throw new SandboxUnavailableError(`cannot sandbox kernels: ${support.reason}. To fix it, ${support.fix}; or pass --sandbox off to serve code you trust without one.`);
  }
  const { hold, missing } = sandboxGuarantees(await probeCgroups(), options.kernelLimits);
  process.stderr.write(
    `cellbridge: every kernel runs in a sandbox of its own (${support.version}): own user, mount, PID, IPC and network namespaces; ` +
      'no network; the system read-only; private /tmp; its run directory the only writable place; a clean environment; ' +
      `gone with the service; ${hold.join('; ')}.\n` +
      (missing.length ? `cellbridge: not enforced on this host: ${missing.join('; ')}.\n` : ''),
  );
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

async function readStdinLines(source: string): Promise<string[]> {
  let text: string;
  try {
    text = source === '-' ? await readAll(process.stdin) : await fs.readFile(source, 'utf8');
  } catch (error) {
    throw new InvalidInputError('--stdin', `cannot read '${source}': ${errorMessage(error)}`);
  }
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

interface KernelRow {
  name: string;
  displayName: string;
  language: string;
  location: string;
  /** Environments only: where it was found and whether it can run a kernel now. */
  environment?: { kind: string; interpreter: string; version: string | null; hasIpykernel: boolean };
}

async function listKernels(json: boolean, server: ServerOption | undefined): Promise<number> {
  const rows = server ? await serverKernelspecs(server) : await localKernelRows();
  if (json) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  } else if (rows.length === 0) {
    process.stdout.write('No kernelspecs found. Install one, e.g. `apt-get install python3-ipykernel`.\n');
  } else {
    const width = Math.max(...rows.map((r) => r.name.length));
    for (const row of rows) {
      const missing = row.environment && !row.environment.hasIpykernel ? '  [no ipykernel]' : '';
      process.stdout.write(`${row.name.padEnd(width)}  ${row.displayName} (${row.language})  ${row.location}${missing}\n`);
    }
  }
  return EXIT.finished;
}

/** The kernelspecs, then the Python environments of this folder, pyenv, conda and PATH (`--python` takes any). */
async function localKernelRows(): Promise<KernelRow[]> {
  const [specs, environments] = await Promise.all([findKernelspecs(), findEnvironments({ projectFolders: [process.cwd()], askConda: true })]);
  const carried = await kernelspecsCarriedBy(environments, specs);
  return [
    ...[...specs, ...carried].map((s) => ({ name: s.name, displayName: s.displayName, language: s.language, location: s.resourceDir })),
    ...environments.map((environment) => ({
      name: environmentKernelName(environment),
      displayName: environmentLabel(environment),
      language: 'python',
      location: environment.prefix,
      environment: { kind: environment.kind, interpreter: environment.interpreter, version: environment.version ?? null, hasIpykernel: environment.hasIpykernel },
    })),
  ];
}

async function serverKernelspecs(server: ServerOption): Promise<KernelRow[]> {
  try {
    const specs = await KernelSpecAPI.getSpecs(serverSettingsFor(server));
    return Object.values(specs.kernelspecs).flatMap((spec) =>
      spec ? [{ name: spec.name, displayName: spec.display_name, language: spec.language, location: server.url }] : [],
    );
  } catch (error) {
    throw describeServerFailure(server, error);
  }
}

/** Our package.json is some levels above this file: fewer when bundled into dist/, more when compiled into out/. */
function packageVersion(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'cellbridge' && pkg.version) return pkg.version;
    } catch {
      // Not here; keep climbing.
    }
  }
  return 'unknown';
}

/**
 * @jupyterlab/services logs to the console (every socket and status change at debug level, server
 * tracebacks at error level). stdout carries our JSON, so its chatter goes to the logger instead.
 */
function routeLibraryConsole(logger: Logger): void {
  console.debug = (...args: unknown[]) => logger.debug(args.map(String).join(' '));
  console.log = console.info = console.debug;
  console.warn = console.error = (...args: unknown[]) => logger.debug(args.map(String).join(' '));
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`cellbridge: unexpected failure: ${errorMessage(error)}\n`);
      process.exitCode = EXIT.cannotStart;
    },
  );
}
