import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { availableParallelism } from 'node:os';
import { InvalidInputError } from '../core/common/errors';
import type { JupyterServerAddress } from '../core/kernel/jupyterServer';
import { MIB, SERVICE_KERNEL_LIMITS } from '../core/sandbox/kernelLimits';
import type { RunServiceOptions } from './service/runService';
import { PYTHON_WARM_UP_STEPS } from '../core/kernel/silentWarmUp';
import type { KernelStartMode } from '../core/kernel/fork/forkServers';
import { parseEnvironmentOption } from './environmentKernels';
import { MAX_TIMEOUT_SECONDS } from './runRequest';

export const USAGE = `Usage:
  cellbridge run FILE [options]     run the cells of FILE in a fresh kernel and print the results as JSON
  cellbridge kernels [--json]       list the kernelspecs and Python environments found here (or --server's kernelspecs)
  cellbridge serve [options]        serve POST /run_jupyter (the run-cells contract), GET /health, GET /metrics
  cellbridge --help | --version

FILE is a notebook (.ipynb), a Python script with "# %%" cells (.py), or a run-cells request (.json).

Options for run:
  --kernel NAME          kernelspec to use (default: the notebook's, else python3)
  --python PATH          run in this Python environment instead (an interpreter, or a venv/conda folder)
  --cell-timeout S       per-cell limit in seconds: interrupt, then restart the kernel if it does not stop
  --total-timeout S      limit for the whole run; cells finished so far are still reported
  --stop-on-error        cancel the cells after a failing one (cells tagged raises-exception excepted)
  --stdin FILE|-         answer input() prompts with the lines of FILE (or of standard input), in order
  --server URL           run on a Jupyter Server instead of a local kernel
  --server-token T       its token (or set CELLBRIDGE_SERVER_TOKEN / JUPYTER_TOKEN)
  --output OUT.ipynb     also write the executed notebook, with outputs and execution counts
  --sandbox              run the kernel in a bubblewrap sandbox: no network, the system read-only, the
                         notebook's folder its only writable place
  --kernel-start MODE    spawn (default: one run has one kernel, which a warm server cannot start sooner
                         than its own start takes) or fork (from a warm server, started first)
  --pretty               print the results for a person instead of JSON
  --verbose              log kernel starts, exits and errors to stderr

Options for serve:
  --host H               address to listen on (default 127.0.0.1: this machine only)
  --port P               port (default 8080; 0 picks a free one)
  --token-file FILE      require Authorization: Bearer <the first line of FILE> (or set CELLBRIDGE_TOKEN;
                         never on the command line, which every user of the machine can read)
  --kernel-pool N        started kernels kept ready per kernel name (default 2)
  --kernel NAME          the kernel the pool warms at start-up (default python3)
  --env NAME=PATH        offer the Python environment at PATH as kernel NAME (repeatable)
  --sandbox on|off       run every kernel in a bubblewrap sandbox of its own (default on; off only for
                         code you trust)
  --kernel-start MODE    fork (default): Python kernels are forked from a warm server per environment,
                         each into its own sandbox; spawn: each is a new process
  --max-concurrency N    runs at once (default: the number of CPUs)
  --max-queue N          requests that may wait for a slot before 429 (default 64)
  --max-body-mb N        request body limit (default 64)
  --body-timeout S       a request body must arrive whole within S seconds of its headers, or 408 (default 30)
  --max-fetch-mb N       fetch_files read back per run, all files together; a file past it is left out and
                         named in file_errors (default 64)
  --max-output-chars N   characters each cell keeps of stream text, of display data and of error text,
                         each; past it, output is cut or dropped with a note saying how much (default 10000000)
  --max-response-mb N    size limit of an answer: past it, cells' outputs are left out, each saying so, and
                         every cell's status is kept (default 128)
  --max-memory-mb N      memory a kernel may use, tmpfs included (default 4096); a request's
                         memory_limit_MB may lower it, not raise it; 0 for no ceiling
  --kernel-cpus N        CPUs' worth of time a sandboxed kernel may use at once (default 1; 0 for no cap)
  --max-file-mb N        the largest file a sandboxed kernel may write (default 1024; 0 for no limit)
  --warm-up CODE         run silently in each pooled Python kernel before use (default: import numpy,
                         pandas and matplotlib.pyplot if present, draw one figure, format one error; '' for none)
  --server URL, --server-token T   run the kernels on a Jupyter Server or Enterprise Gateway

Exit codes: 0 the run finished (cells may have raised), 1 a limit stopped it or the kernel died,
            2 it could not start (bad input, unknown kernel, unreachable server).`;

export type CliCommand =
  | { command: 'help' }
  | { command: 'serve'; options: ServeOptions }
  | { command: 'version' }
  | { command: 'kernels'; json: boolean; server?: ServerOption; verbose: boolean }
  | { command: 'run'; file: string; options: RunOptions };

export type ServerOption = JupyterServerAddress;

/** `serve` takes exactly what the service does, less what only code can give (its logger, a launcher). */
export type ServeOptions = Omit<RunServiceOptions, 'logger' | 'launcher'> & {
  verbose: boolean;
  /** `--env NAME=PATH`: Python environments offered as kernels. */
  environments: Array<{ name: string; location: string }>;
  /** `--token-file`: kept from every kernel's sight (a sandboxed kernel runs as the service's user). */
  tokenFile?: string;
  kernelStart: KernelStartMode;
};

export interface RunOptions {
  kernel?: string;
  /** Run the kernel in a sandbox (off by default: `run` runs the user's own code). */
  sandbox?: boolean;
  /** An interpreter or environment folder to run in, instead of a kernelspec. */
  python?: string;
  cellTimeoutSeconds?: number;
  totalTimeoutSeconds?: number;
  stopOnError: boolean;
  stdin?: string;
  server?: ServerOption;
  output?: string;
  pretty: boolean;
  verbose: boolean;
  kernelStart: KernelStartMode;
}

/** Parses the command line; throws InvalidInputError naming the option at fault. */
export function parseCliArgs(argv: string[], env: NodeJS.ProcessEnv): CliCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: withSandboxValue(argv),
      allowPositionals: true,
      strict: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
        json: { type: 'boolean' },
        kernel: { type: 'string' },
        python: { type: 'string' },
        sandbox: { type: 'string' },
        env: { type: 'string', multiple: true },
        'cell-timeout': { type: 'string' },
        'total-timeout': { type: 'string' },
        'stop-on-error': { type: 'boolean' },
        stdin: { type: 'string' },
        server: { type: 'string' },
        'server-token': { type: 'string' },
        output: { type: 'string', short: 'o' },
        pretty: { type: 'boolean' },
        verbose: { type: 'boolean', short: 'v' },
        host: { type: 'string' },
        port: { type: 'string' },
        token: { type: 'string' },
        'token-file': { type: 'string' },
        'kernel-pool': { type: 'string' },
        'max-concurrency': { type: 'string' },
        'max-queue': { type: 'string' },
        'max-body-mb': { type: 'string' },
        'body-timeout': { type: 'string' },
        'max-fetch-mb': { type: 'string' },
        'max-output-chars': { type: 'string' },
        'max-memory-mb': { type: 'string' },
        'kernel-cpus': { type: 'string' },
        'max-file-mb': { type: 'string' },
        'max-response-mb': { type: 'string' },
        'warm-up': { type: 'string' },
        'kernel-start': { type: 'string' },
      },
    });
  } catch (error) {
    throw new InvalidInputError('arguments', error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help) return { command: 'help' };
  if (values.version) return { command: 'version' };
  const [command, ...rest] = positionals;
  const server = serverOption(values.server, values['server-token'], env);
  const verbose = values.verbose ?? false;
  switch (command) {
    case 'kernels':
      return { command: 'kernels', json: values.json ?? false, verbose, ...(server ? { server } : {}) };
    case 'run': {
      if (rest.length !== 1) throw new InvalidInputError('arguments', '`run` takes exactly one FILE');
      const options: RunOptions = { stopOnError: values['stop-on-error'] ?? false, pretty: values.pretty ?? false, verbose, kernelStart: kernelStartOption(values['kernel-start'], 'spawn') };
      if (values.kernel !== undefined) options.kernel = values.kernel;
      if (values.sandbox !== undefined && sandboxOption(values.sandbox, server)) options.sandbox = true;
      if (values.python !== undefined) {
        if (values.kernel !== undefined) throw new InvalidInputError('--python', 'cannot be given with --kernel');
        if (server) throw new InvalidInputError('--python', 'names a local environment; it cannot be used with --server');
        options.python = values.python;
      }
      if (values['cell-timeout'] !== undefined) options.cellTimeoutSeconds = seconds('--cell-timeout', values['cell-timeout']);
      if (values['total-timeout'] !== undefined) options.totalTimeoutSeconds = seconds('--total-timeout', values['total-timeout']);
      if (values.stdin !== undefined) options.stdin = values.stdin;
      if (values.output !== undefined) options.output = values.output;
      if (server) options.server = server;
      return { command: 'run', file: rest[0]!, options };
    }
    case 'serve': {
      if (rest.length) throw new InvalidInputError('arguments', '`serve` takes no file');
      const token = serviceToken(values.token, values['token-file'], env);
      const options: ServeOptions = {
        host: values.host ?? '127.0.0.1',
        port: whole('--port', values.port, 8080, 0, 65535),
        poolSize: whole('--kernel-pool', values['kernel-pool'], 2, 0, 64),
        warmKernel: values.kernel ?? 'python3',
        maxConcurrency: whole('--max-concurrency', values['max-concurrency'], Math.max(1, availableParallelism()), 1, 1024),
        maxQueue: whole('--max-queue', values['max-queue'], 64, 0, 100_000),
        maxBodyBytes: whole('--max-body-mb', values['max-body-mb'], 64, 1, 4096) * 1024 * 1024,
        bodyTimeoutMs: bodyTimeoutOption(values['body-timeout']),
        maxFetchBytes: whole('--max-fetch-mb', values['max-fetch-mb'], 64, 1, 4096) * 1024 * 1024,
        maxOutputCharsPerCell: whole('--max-output-chars', values['max-output-chars'], 10_000_000, 1, 2_000_000_000),
        maxResponseBytes: whole('--max-response-mb', values['max-response-mb'], 128, 1, 4096) * 1024 * 1024,
        warmUpSteps: values['warm-up'] === undefined ? PYTHON_WARM_UP_STEPS : values['warm-up'].trim() ? [values['warm-up']] : [],
        verbose,
        kernelStart: kernelStartOption(values['kernel-start'], 'fork'),
        environments: environmentsOption(values.env, server),
        // On unless turned off; a Jupyter Server's kernels are the server's to isolate.
        sandbox: sandboxOption(values.sandbox ?? (server ? 'off' : 'on'), server),
        kernelLimits: {
          processes: SERVICE_KERNEL_LIMITS.processes,
          memoryBytes: whole('--max-memory-mb', values['max-memory-mb'], SERVICE_KERNEL_LIMITS.memoryBytes / MIB, 0, 1_048_576) * MIB,
          cpus: cpus('--kernel-cpus', values['kernel-cpus'], SERVICE_KERNEL_LIMITS.cpus),
          fileSizeBytes: whole('--max-file-mb', values['max-file-mb'], SERVICE_KERNEL_LIMITS.fileSizeBytes / MIB, 0, 1_048_576) * MIB,
        },
        ...(token ? { token } : {}),
        ...(values['token-file'] ? { tokenFile: values['token-file'] } : {}),
        ...(server ? { server } : {}),
      };
      return { command: 'serve', options };
    }
    case undefined:
      return { command: 'help' };
    default:
      throw new InvalidInputError('arguments', `unknown command '${command}' (expected run, kernels or serve)`);
  }
}

/** `--kernel-start fork|spawn`. */
function kernelStartOption(value: string | undefined, fallback: KernelStartMode): KernelStartMode {
  if (value === undefined) return fallback;
  if (value !== 'fork' && value !== 'spawn') throw new InvalidInputError('--kernel-start', `expected fork or spawn, got '${value}'`);
  return value;
}

/** A bare `--sandbox` (as `run` takes it) means `--sandbox on`; parseArgs would take the next argument for its value. */
function withSandboxValue(argv: readonly string[]): string[] {
  return argv.map((arg, i) => (arg === '--sandbox' && argv[i + 1] !== 'on' && argv[i + 1] !== 'off' ? '--sandbox=on' : arg));
}

/** `--sandbox on|off`. */
function sandboxOption(value: string, server: ServerOption | undefined): boolean {
  const on = value === 'on';
  if (!on && value !== 'off') throw new InvalidInputError('--sandbox', `expected on or off, got '${value}'`);
  if (on && server) throw new InvalidInputError('--sandbox', "is for local kernels; a Jupyter Server's kernels are the server's to isolate");
  return on;
}

function environmentsOption(values: string[] | undefined, server: ServerOption | undefined): Array<{ name: string; location: string }> {
  if (values?.length && server) throw new InvalidInputError('--env', 'names local environments; it cannot be used with --server');
  return (values ?? []).map(parseEnvironmentOption);
}

function whole(option: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max || text.trim() === '') {
    throw new InvalidInputError(option, `expected a whole number from ${min} to ${max}, got '${text}'`);
  }
  return value;
}

/** A number of CPUs, fractions allowed (0.5: half of one). */
function cpus(option: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0 || value > 1024 || text.trim() === '') throw new InvalidInputError(option, `expected a number of CPUs from 0 to 1024, got '${text}'`);
  return value;
}

/** `--body-timeout S`: more than nothing, and no more than an hour (a body that slow is not a client's). */
function bodyTimeoutOption(text: string | undefined): number {
  if (text === undefined) return 30_000;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || value > 3600 || text.trim() === '') {
    throw new InvalidInputError('--body-timeout', `expected a number of seconds above 0, at most 3600, got '${text}'`);
  }
  return Math.round(value * 1000);
}

function seconds(option: string, text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0 || text.trim() === '') throw new InvalidInputError(option, `expected a number of seconds ≥ 0, got '${text}'`);
  return Math.min(value, MAX_TIMEOUT_SECONDS);
}

/**
 * The service's token: from `--token-file` or CELLBRIDGE_TOKEN. A token given on the command line is refused,
 * as any user of the machine (and any kernel run without a sandbox) can read it in /proc/PID/cmdline.
 */
function serviceToken(onCommandLine: string | undefined, file: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  if (onCommandLine !== undefined) {
    throw new InvalidInputError('--token', 'a token on the command line can be read by every user of this machine (/proc/PID/cmdline); put it in CELLBRIDGE_TOKEN or in a file for --token-file');
  }
  if (file === undefined) return env.CELLBRIDGE_TOKEN || undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InvalidInputError('--token-file', `cannot read '${file}': ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const token = text.split(/\r?\n/)[0]!.trim();
  if (!token) throw new InvalidInputError('--token-file', `'${file}' holds no token on its first line`);
  return token;
}

function serverOption(url: string | undefined, token: string | undefined, env: NodeJS.ProcessEnv): ServerOption | undefined {
  if (url === undefined) {
    if (token !== undefined) throw new InvalidInputError('--server-token', 'given without --server');
    return undefined;
  }
  // A token on the command line is visible to every user of the machine; the environment is the safer place.
  const resolved = token ?? env.CELLBRIDGE_SERVER_TOKEN ?? env.JUPYTER_TOKEN;
  return resolved === undefined ? { url } : { url, token: resolved };
}
