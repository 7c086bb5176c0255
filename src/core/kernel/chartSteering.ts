/**
 * Charts made with default settings, drawn offline. Two libraries send nothing a frontend can draw without
 * the network unless steered, and both are steered only where the user has said nothing:
 * - Altair's default renderer is HTML that loads Vega from a CDN (no Vega-Lite MIME output at all): once
 *   altair is imported, its `mimetype` renderer is enabled if the active one is still `default`.
 * - Plotly picks a renderer from the environment; some embed all of plotly.js as HTML in the notebook. Once
 *   plotly.io is imported, its default becomes `plotly_mimetype` unless PLOTLY_RENDERER chose one. Its MIME
 *   renderers also refuse to run without nbformat, which they only version-check; without nbformat, a
 *   stand-in with a version is given to that check.
 * A user's own `alt.renderers.enable(...)` or `pio.renderers.default = ...` later wins. The hook is an import
 * hook installed by a silent execute_request when a kernel starts (it neither counts nor shows), and it
 * leaves no names in the user's namespace.
 */
import type { Logger } from '../common/logger';
import { errorMessage } from '../common/errors';
import type { KernelHandle } from './kernelHandle';
import { silentWarmUp } from './silentWarmUp';

export const CHART_STEERING_CODE = `
def _cellbridge_steer_charts():
    import importlib.abc, importlib.util, os, sys

    def altair_loaded(module):
        if module.renderers.active == 'default':
            module.renderers.enable('mimetype')

    def plotly_renderers_loaded(module):
        if 'PLOTLY_RENDERER' not in os.environ:
            module.renderers.default = 'plotly_mimetype'
        if module.nbformat is None:
            class NbformatVersion:
                __version__ = '5.0.0'
            module.nbformat = NbformatVersion()

    hooks = {'altair': altair_loaded, 'plotly.io._renderers': plotly_renderers_loaded}

    class SteeringFinder(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path, target=None):
            hook = hooks.pop(name, None)
            if hook is None:
                return None
            if not hooks:
                sys.meta_path.remove(self)
            spec = importlib.util.find_spec(name)
            if spec is None or spec.loader is None or not hasattr(spec.loader, 'exec_module'):
                return spec
            run_module = spec.loader.exec_module
            def exec_module(module):
                run_module(module)
                try:
                    hook(module)
                except Exception:
                    pass
            spec.loader.exec_module = exec_module
            return spec

    for name in list(hooks):
        if name in sys.modules:
            try:
                hooks.pop(name)(sys.modules[name])
            except Exception:
                pass
    if hooks:
        sys.meta_path.insert(0, SteeringFinder())

_cellbridge_steer_charts()
del _cellbridge_steer_charts
`;

const steer = silentWarmUp('python', [CHART_STEERING_CODE], 30_000);

/** Installs the steering in a Python kernel (others are left alone). A failure is logged: charts then draw as the libraries decide. */
export async function steerCharts(kernel: KernelHandle, logger: Logger): Promise<void> {
  try {
    await steer(kernel);
  } catch (error) {
    logger.warn(`Could not set up chart output for kernel '${kernel.name}': ${errorMessage(error)}`);
  }
}
