/**
 * The engine with no VS Code in between, in this same process: its own kernel of the same kernelspec, the
 * document runner (queue, outputs, comms) and the widget state recorder, which the extension also keeps for
 * every notebook. What VS Code adds on top (the cell execution, the output writes, the widget relay to the
 * renderers) is the difference.
 */
import { performance } from 'node:perf_hooks';
import { silentLogger } from '../../../src/core/common/logger';
import { DocumentRunner } from '../../../src/core/execution/documentRunner';
import { createKernelLauncher } from '../../../src/core/kernel/kernelLauncher';
import { WidgetStateRecorder } from '../../../src/core/outputs/widgetState';
import { type BenchCase, sliderValueIn } from './benchCases';

export class EngineAlone {
  private constructor(private readonly runner: DocumentRunner, private readonly recorder: WidgetStateRecorder) {}

  /** Starts a kernel of `kernelName` and runs `setup` on it, untimed, as the VS Code notebook's first cells. */
  static async start(kernelName: string, setup: readonly string[] = []): Promise<EngineAlone> {
    const launch = createKernelLauncher(silentLogger);
    const runner = new DocumentRunner({ launch: () => launch({ kernelName }), stopOnError: false, captureOutputWidgets: true, logger: silentLogger });
    const recorder = new WidgetStateRecorder();
    // Before the kernel starts, so the recorder sees the comms the setup opens, as the extension's does.
    runner.onDidAttachKernel((attached) => recorder.observe(attached.comms, attached.outputWidgets));
    const engine = new EngineAlone(runner, recorder);
    try {
      await runner.session.kernel();
      for (const code of setup) {
        const [run] = runner.enqueue([{ code }]);
        await run!.finished;
        run!.outputs.dispose();
        if (run!.state !== 'done') throw new Error(`The engine's set-up cell ended ${run!.state}: ${code}`);
      }
    } catch (error) {
      await engine.shutdown();
      throw error;
    }
    return engine;
  }

  /** The case's time, and where the slider ended for a case that sets it. */
  async time(benchCase: BenchCase): Promise<{ ms: number; sliderEnd?: number | undefined }> {
    const started = performance.now();
    const [run] = this.runner.enqueue([{ code: benchCase.code }]);
    await run!.finished;
    const ms = performance.now() - started;
    const last = run!.outputs.outputs.at(-1);
    const shown = last?.output_type === 'stream' ? last.text : last && 'data' in last ? String(last.data['text/plain'] ?? '') : '';
    if (!benchCase.isComplete(shown)) throw new Error(`${benchCase.name}: the engine's outputs are not complete`);
    run!.outputs.dispose();
    return benchCase.sliderEndsAt === undefined ? { ms } : { ms, sliderEnd: sliderValueIn(this.recorder.toMetadata()) };
  }

  async shutdown(): Promise<void> {
    this.recorder.dispose();
    await this.runner.shutdown();
  }
}
