import { withTimeout } from '../common/async';
import type { KernelHandle } from './kernelHandle';

/**
 * What Python kernels do ahead of demand, in silent steps: import the libraries whose import dominates a
 * typical first cell and draw and encode a figure once (fonts, Agg, PNG writer); then raise once, because
 * the shell's first error costs ~0.15 s (IPython loads its traceback machinery on first use); then erase
 * what that error left in `sys`. The figure is closed (matplotlib numbers the next one 1 again), silent
 * steps do not count (the first user cell is still [1]), and each step deletes its own names.
 */
export const PYTHON_WARM_UP_STEPS: readonly string[] = [
  `
def _cellbridge_warm_up():
    import importlib, io, sys
    for name in ('numpy', 'pandas', 'matplotlib.pyplot'):
        try:
            importlib.import_module(name)
        except Exception:
            pass
    try:
        import matplotlib.pyplot as plt
        figure = plt.figure()
        figure.gca().plot([0, 1], [0, 1])
        figure.savefig(io.BytesIO(), format='png')
        plt.close(figure)
    except Exception:
        pass
_cellbridge_warm_up()
del _cellbridge_warm_up
`,
  `raise RuntimeError('CellBridge warm-up: the first error of a kernel is slow to format; this one is never shown')`,
  `
import sys as _cellbridge_sys
for _cellbridge_name in ('last_type', 'last_value', 'last_traceback', 'last_exc'):
    if hasattr(_cellbridge_sys, _cellbridge_name):
        delattr(_cellbridge_sys, _cellbridge_name)
del _cellbridge_sys, _cellbridge_name
`,
];

/**
 * The pool's warm-up for Python kernels with these steps. A kernel forked from a fork server gets none when
 * they are the default ones: its server ran them before forking (the imports and the figure, and the
 * traceback machinery's first use: forkServerScript.ts), so it starts as warm as they would leave it.
 * Other steps (a service's own `--warm-up`) run in every kernel: the server never runs code it was not built for.
 */
export function pythonWarmUp(steps: readonly string[]): (kernel: KernelHandle) => Promise<void> {
  const warmUp = silentWarmUp('python', steps);
  const serverRunsThem = steps.length === PYTHON_WARM_UP_STEPS.length && steps.every((step, i) => step === PYTHON_WARM_UP_STEPS[i]);
  return (kernel) => (serverRunsThem && kernel.forked ? Promise.resolve() : warmUp(kernel));
}

/**
 * Runs each step silently in kernels of `language`: a silent execute_request neither counts (the first user
 * cell is still [1]) nor shows anything to anyone. A step may raise on purpose; the next one still runs.
 */
export function silentWarmUp(language: string, steps: readonly string[], timeoutMs = 60_000): (kernel: KernelHandle) => Promise<void> {
  return async (kernel) => {
    const info = await kernel.connection.info;
    if (info.language_info.name !== language) return;
    for (const code of steps) {
      const future = kernel.connection.requestExecute({ code, silent: true, store_history: false, allow_stdin: false, stop_on_error: false });
      const finished = await withTimeout(
        future.done.then(() => true),
        timeoutMs,
        () => false,
      );
      if (!finished) {
        future.dispose();
        throw new Error(`a warm-up step did not finish within ${timeoutMs / 1000} s`);
      }
    }
  };
}
