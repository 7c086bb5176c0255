/**
 * `npm run bench:service`: the run-cells service (`cellbridge serve`, as a child process) against the way
 * SandboxFusion serves the same request (a fresh kernel per request via jupyter_client), measured in this
 * one run on this one machine; then its throughput at several concurrency levels and its memory.
 * `--quick` for a smoke run. Prints a table to stdout (progress to stderr) and writes
 * bench/results/service-latest.json.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { benchEnv } from './benchConfig';
import { REPO_ROOT } from './benchPaths';
import { waitForKernelsToExit } from './kernelPids';
import { describeMachine } from './report/benchResults';
import { FreshKernelWorker } from './service/freshKernelWorker';
import { HttpJsonClient } from './service/httpJsonClient';
import { measureLatency } from './service/latencySection';
import { renderServiceReport } from './service/renderServiceReport';
import { ServiceRssSampler } from './service/rssSampler';
import { serviceConfigFromArgs } from './service/serviceBenchConfig';
import { ServiceProbe } from './service/serviceProbe';
import { ServiceProcess } from './service/serviceProcess';
import type { ServiceBenchResults } from './service/serviceResults';
import { evaluateSpeedups } from './service/serviceTargets';
import { measureThroughput } from './service/throughputSection';

const RESULTS_FILE = path.join(REPO_ROOT, 'bench', 'results', 'service-latest.json');
const FIRST_FILL_TIMEOUT_MS = 90_000;

function progress(message: string): void {
  process.stderr.write(`[bench:service] ${message}\n`);
}

async function main(args: string[]): Promise<number> {
  const config = serviceConfigFromArgs(args);
  const startedAt = new Date();
  const results: ServiceBenchResults = {
    startedAt: startedAt.toISOString(),
    durationSeconds: 0,
    config,
    machine: describeMachine(),
    service: { command: '', poolFullAfterMs: NaN },
    sections: {},
    targets: [],
    serviceLog: [],
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

  // The service's run directories and connection files go to a TMPDIR of its own, so that what it leaves behind can be seen.
  const serviceTmp = mkdtempSync(path.join(os.tmpdir(), 'cellbridge-bench-service-'));
  const serveArgs = ['--kernel-pool', String(config.poolSize), '--max-concurrency', String(config.maxConcurrency), '--kernel', config.kernelName];
  const service = await section('start the service', () => ServiceProcess.start(serveArgs, { ...benchEnv(), TMPDIR: serviceTmp }));
  if (service) {
    results.service.command = `cellbridge serve --port 0 ${serveArgs.join(' ')}`;
    const sampler = new ServiceRssSampler(service.pid);
    const client = new HttpJsonClient(service.url);
    const probe = new ServiceProbe(client);
    const worker = FreshKernelWorker.spawn(benchEnv());
    let stopped: Promise<void> | undefined;
    const stopAll = async (): Promise<void> => {
      progress('stopping the service and the jupyter_client worker…');
      await worker.close();
      results.memory = sampler.stop();
      client.close();
      const stop = await service.stop();
      results.serviceLog = service.log;
      results.shutdown = { stop, leftRunning: await waitForKernelsToExit(), leftTempEntries: leftovers(serviceTmp) };
      rmSync(serviceTmp, { recursive: true, force: true });
    };
    onInterrupt = () => (stopped ??= stopAll());
    try {
      const filled = await section('wait for the pool to fill', () => probe.settle(FIRST_FILL_TIMEOUT_MS));
      if (filled && !filled.timedOut) {
        results.service.poolFullAfterMs = filled.waitedMs;
        sampler.markIdle();
        sampler.startPhase('latency');
        results.sections.latency = await section('latency: service vs fresh kernel', () => measureLatency(client, probe, worker, config));
        sampler.startPhase('throughput');
        results.sections.throughput = await section('throughput', () => measureThroughput(client, probe, config));
        sampler.endPhase();
      } else if (filled) {
        results.failures.push({ section: 'wait for the pool to fill', error: `not full after ${FIRST_FILL_TIMEOUT_MS / 1000} s (ready ${filled.ready})` });
      }
    } finally {
      await (stopped ??= stopAll());
    }
  } else {
    rmSync(serviceTmp, { recursive: true, force: true });
  }

  if (results.sections.latency) results.targets = evaluateSpeedups(results.sections.latency);
  results.machine.loadAverageAtEnd = os.loadavg();
  results.durationSeconds = (Date.now() - startedAt.getTime()) / 1000;
  process.stdout.write(renderServiceReport(results) + '\n');
  await mkdir(path.dirname(RESULTS_FILE), { recursive: true });
  await writeFile(RESULTS_FILE, JSON.stringify(results, null, 2) + '\n');
  progress(`figures written to ${RESULTS_FILE}`);
  // A missed target is a finding; a broken harness, a wrong answer or anything left behind is a failure.
  const wrongAnswers = (results.sections.latency?.wrongAnswers.length ?? 0) + (results.sections.throughput?.levels.reduce((n, l) => n + l.wrongAnswers.length, 0) ?? 0);
  const leftBehind = (results.shutdown?.leftRunning.length ?? 0) + (results.shutdown?.leftTempEntries.length ?? 0);
  return results.failures.length || wrongAnswers || leftBehind || results.shutdown?.stop.killed ? 1 : 0;
}


function leftovers(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

let interrupted = false;
/** Stops what the run started; set once the service is up. */
let onInterrupt: (() => Promise<void>) | undefined;

// Ctrl-C: stop the service (it shuts its pool down) and the worker (after its request under way), then leave.
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
