/**
 * `npm run bench:service`: the run-cells service (`cellbridge serve`, as a child process) against the way
 * SandboxFusion serves the same request (a fresh kernel per request via jupyter_client), measured in this
 * one run on this one machine, with what the sandbox costs beside it (kernel starts and the same requests
 * with `--sandbox off`); then its throughput at several concurrency levels and its memory. `--quick` for a
 * smoke run. Prints a table to stdout (progress to stderr) and writes bench/results/service-latest.json.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { benchEnv } from './benchConfig';
import { quietConsole } from './quietConsole';
import { REPO_ROOT } from './benchPaths';
import { waitForKernelsToExit } from './kernelPids';
import { describeMachine } from './report/benchResults';
import { BenchedService } from './service/benchedService';
import { FreshKernelWorker } from './service/freshKernelWorker';
import { measureKernelStarts } from './service/kernelStartSection';
import { measureLatency } from './service/latencySection';
import { renderServiceReport } from './service/renderServiceReport';
import { evaluateSandboxCost } from './service/sandboxCost';
import { serviceConfigFromArgs } from './service/serviceBenchConfig';
import type { ServiceBenchResults } from './service/serviceResults';
import { evaluateSpeedups } from './service/serviceTargets';
import { measureThroughput } from './service/throughputSection';

const RESULTS_FILE = path.join(REPO_ROOT, 'bench', 'results', 'service-latest.json');
const FIRST_FILL_TIMEOUT_MS = 90_000;

function progress(message: string): void {
  process.stderr.write(`[bench:service] ${message}\n`);
}

async function main(args: string[]): Promise<number> {
  // The kernels of the kernel-start section are this process's own; the report goes to stdout directly.
  quietConsole();
  const config = serviceConfigFromArgs(args);
  const startedAt = new Date();
  const results: ServiceBenchResults = {
    startedAt: startedAt.toISOString(),
    durationSeconds: 0,
    config,
    machine: describeMachine(),
    services: {},
    sections: {},
    targets: [],
    sandboxCost: [],
    failures: [],
  };
  const section = async <T>(name: string, measure: () => Promise<T>): Promise<T | undefined> => {
    if (interrupted) return undefined;
    progress(`${name}…`);
    try {
      return await measure();
    } catch (error) {
      if (interrupted) return undefined;
      results.failures.push({ section: name, error: error instanceof Error ? error.message : String(error) });
      progress(`${name} failed: ${error instanceof Error ? error.stack : String(error)}`);
      return undefined;
    }
  };

  // First, while nothing else runs: the services and their pools are not started yet.
  const startsTmp = mkdtempSync(path.join(os.tmpdir(), 'cellbridge-bench-starts-'));
  // On Ctrl-C the exit hook of kernelProcess.ts kills the kernels; their directories are removed here.
  onInterrupt = async () => rmSync(startsTmp, { recursive: true, force: true });
  results.sections.kernelStart = await section('kernel start: sandbox on vs off', () => measureKernelStarts(config, startsTmp));
  rmSync(startsTmp, { recursive: true, force: true });

  const serveArgs = ['--kernel-pool', String(config.poolSize), '--max-concurrency', String(config.maxConcurrency), '--kernel', config.kernelName];
  const sandboxed = await section('start the service (sandbox on)', () => BenchedService.start(true, serveArgs));
  if (sandboxed) {
    const worker = FreshKernelWorker.spawn(benchEnv());
    let unsandboxed: BenchedService | undefined;
    let stopped: Promise<void> | undefined;
    const stopAll = async (): Promise<void> => {
      progress('stopping the services and the jupyter_client worker…');
      await worker.close();
      results.services.sandboxed = await sandboxed.stop();
      if (unsandboxed) results.services.unsandboxed = await unsandboxed.stop();
      results.leftRunning = await waitForKernelsToExit();
    };
    onInterrupt = () => (stopped ??= stopAll());
    try {
      // One at a time, so that each pool's first fill has the machine to itself.
      const filled = await section('wait for the pool to fill (sandbox on)', () => sandboxed.firstFill(FIRST_FILL_TIMEOUT_MS).then(() => true));
      unsandboxed = filled ? await section('start the service (sandbox off)', () => BenchedService.start(false, serveArgs)) : undefined;
      const bothFilled = unsandboxed && (await section('wait for the pool to fill (sandbox off)', () => unsandboxed!.firstFill(FIRST_FILL_TIMEOUT_MS).then(() => true)));
      if (unsandboxed && bothFilled) {
        for (const service of [sandboxed, unsandboxed]) {
          service.sampler.markIdle();
          service.sampler.startPhase('latency');
        }
        const services = { sandboxed, unsandboxed };
        results.sections.latency = await section('latency: service, sandbox on and off, vs fresh kernel', () => measureLatency(services, worker, config));
        // Its part is done: the rest of the run measures the service as deployed, alone.
        results.services.unsandboxed = await unsandboxed.stop();
        sandboxed.sampler.startPhase('throughput');
        results.sections.throughput = await section('throughput', () => measureThroughput(sandboxed.client, sandboxed.probe, config));
        sandboxed.sampler.endPhase();
      }
    } finally {
      await (stopped ??= stopAll());
    }
  }

  if (results.sections.latency) results.targets = evaluateSpeedups(results.sections.latency);
  results.sandboxCost = evaluateSandboxCost(results.sections.kernelStart, results.sections.latency);
  results.machine.loadAverageAtEnd = os.loadavg();
  results.durationSeconds = (Date.now() - startedAt.getTime()) / 1000;
  process.stdout.write(renderServiceReport(results) + '\n');
  await mkdir(path.dirname(RESULTS_FILE), { recursive: true });
  await writeFile(RESULTS_FILE, JSON.stringify(results, null, 2) + '\n');
  progress(`figures written to ${RESULTS_FILE}`);
  return runFailed(results) ? 1 : 0;
}

/** A missed target is a finding; a broken harness, a wrong answer or anything left behind is a failure. */
function runFailed(results: ServiceBenchResults): boolean {
  const { latency, throughput, kernelStart } = results.sections;
  const wrongAnswers = (latency?.wrongAnswers.length ?? 0) + (throughput?.levels.reduce((n, l) => n + l.wrongAnswers.length, 0) ?? 0);
  const services = [results.services.sandboxed, results.services.unsandboxed].filter((s) => s !== undefined);
  const leftBehind = (results.leftRunning?.length ?? 0) + (kernelStart?.leftTempEntries.length ?? 0) + services.reduce((n, s) => n + s.leftTempEntries.length, 0);
  return results.failures.length > 0 || wrongAnswers > 0 || leftBehind > 0 || services.some((s) => s.stop?.killed);
}

let interrupted = false;
/** Stops or removes what the run started so far. */
let onInterrupt: (() => Promise<void>) | undefined;

// Ctrl-C: stop the services (each shuts its pool down) and the worker (after its request under way), then leave.
process.once('SIGINT', () => {
  interrupted = true;
  progress('interrupted');
  void (onInterrupt?.() ?? Promise.resolve()).finally(() => process.exit(130));
});

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench:service failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
