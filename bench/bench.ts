/**
 * `npm run bench`: the engine against a bare ZeroMQ client, jupyter_client and nbclient, all measured in
 * this one run on this one machine, reported as ratios. `--quick` for a smoke run.
 * Prints a table to stdout (progress to stderr) and writes bench/results/latest.json.
 */
import * as os from 'node:os';
import { configFromArgs } from './benchConfig';
import { RESULTS_FILE } from './benchPaths';
import { startContenders, stopContenders } from './contenders';
import { JupyterClientWorker } from './jupyterClientWorker';
import { removeConnectionDirsSync, trackedKernelPids, waitForKernelsToExit } from './kernelPids';
import { BenchResults, describeMachine, writeResults } from './report/benchResults';
import { renderReport } from './report/renderReport';
import { evaluateTargets } from './report/targets';
import { measureKernelStart } from './sections/kernelStart';
import { measureLargeOutput } from './sections/largeOutput';
import { ENGINE_LINES_CHILD_FLAG, runEngineLinesChild } from './sections/largeOutputEngine';
import { measureRoundTrip } from './sections/roundTrip';
import { measureThroughput } from './sections/throughput';

// @jupyterlab/services logs every socket and status change with console.debug.
console.debug = () => undefined;


function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

async function main(args: string[]): Promise<number> {
  const config = configFromArgs(args);
  if (args.includes(ENGINE_LINES_CHILD_FLAG)) {
    await runEngineLinesChild(config);
    return 0;
  }
  const startedAt = new Date();
  const results: BenchResults = {
    startedAt: startedAt.toISOString(),
    durationSeconds: 0,
    config,
    machine: describeMachine(),
    sections: {},
    targets: [],
    kernelsStarted: 0,
    kernelsLeftRunning: [],
    failures: [],
  };
  const section = async <T>(name: string, measure: () => Promise<T>): Promise<T | undefined> => {
    progress(`${name}…`);
    try {
      return await measure();
    } catch (error) {
      results.failures.push({ section: name, error: error instanceof Error ? error.message : String(error) });
      progress(`${name} failed: ${error instanceof Error ? error.stack : String(error)}`);
      return undefined;
    }
  };

  progress('starting the engine, bare and jupyter_client kernels…');
  const contenders = await section('start contenders', () => startContenders(config));
  if (contenders) {
    try {
      results.sections.roundTrip = await section('round trip', () => measureRoundTrip(contenders, config));
      results.sections.throughput = await section('throughput', () => measureThroughput(contenders, config));
    } finally {
      await stopContenders(contenders);
    }
  }
  const starter = JupyterClientWorker.spawn(config.kernelName);
  try {
    results.sections.kernelStart = await section('kernel start', () => measureKernelStart(starter, config));
  } finally {
    await starter.close();
  }
  results.sections.largeOutput = await section('large output', () => measureLargeOutput(config));

  results.targets = evaluateTargets(results);
  results.kernelsStarted = trackedKernelPids().length;
  results.kernelsLeftRunning = await waitForKernelsToExit();
  results.machine.loadAverageAtEnd = os.loadavg();
  results.durationSeconds = (Date.now() - startedAt.getTime()) / 1000;
  process.stdout.write(renderReport(results) + '\n');
  await writeResults(RESULTS_FILE, results);
  progress(`figures written to ${RESULTS_FILE}`);
  // A missed target is a finding, not a failure; a broken harness or a leaked kernel is.
  return results.failures.length || results.kernelsLeftRunning.length ? 1 : 0;
}


// Ctrl-C: exit through process.exit so that the kernel process groups' exit hook kills them, and take
// their connection files along (the Python workers get the same SIGINT and shut their kernels down).
process.once('SIGINT', () => {
  removeConnectionDirsSync();
  process.exit(130);
});

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
