import type { WidgetStateMetadata } from '../../../src/core/outputs/widgetState';

/** The cells of the VS Code benchmark; `cellIndex` is the cell's place in the notebook the benchmark writes. */
export interface BenchCase {
  readonly name: string;
  readonly cellIndex: number;
  readonly code: string;
  /** Whether the text of the cell's last output shows the case has finished. */
  readonly isComplete: (lastText: string) => boolean;
  /** For a case that sets the slider `s`: the value the widget state must hold once the cell has ended. */
  readonly sliderEndsAt?: number;
  readonly repeats: number;
  readonly quickRepeats: number;
}

/** The main section runs on Debian's `python3`, as the rest of the benchmarks do. */
export const BENCH_KERNEL = 'python3';

export const BENCH_CASES: readonly BenchCase[] = [
  { name: 'empty cell', cellIndex: 0, code: 'pass', isComplete: () => true, repeats: 30, quickRepeats: 10 },
  {
    name: '200,000-line print',
    cellIndex: 1,
    code: 'for i in range(200000):\n    print(i)',
    isComplete: (text) => text.endsWith('199999\n'),
    repeats: 5,
    quickRepeats: 2,
  },
  {
    name: '1,000 display updates',
    cellIndex: 2,
    code: 'from IPython.display import display\nh = display("start", display_id=True)\nfor i in range(1000):\n    h.update(f"update {i}")',
    isComplete: (text) => text === "'update 999'",
    repeats: 10,
    quickRepeats: 3,
  },
];

/**
 * The widget section (issue 14) needs ipywidgets, which Debian's python3 lacks: it runs on the current stack's
 * kernelspec (scripts/setupCurrentStack.sh, ipywidgets 8.1.9), which bench/vscodeBench.ts puts on JUPYTER_PATH.
 */
export const WIDGET_KERNEL = 'python3-current';

/**
 * Untimed, cell 0 of the widget notebook: the slider the timed loop sets, shown, so its renderer is loaded and
 * its view is live while the loop runs. `max=999`: IntSlider's default max (100) would clamp the loop's values,
 * and traitlets sends no message for a value that does not change, so only about 100 updates would go out.
 */
export const SLIDER_SETUP = 'import ipywidgets as widgets\ns = widgets.IntSlider(max=999)\ns';

export const WIDGET_CASES: readonly BenchCase[] = [
  {
    name: '1,000 slider updates',
    cellIndex: 1,
    code: 'for i in range(1000):\n    s.value = i',
    // No output: the end is the cell's end, then the slider's state is checked (sliderEndsAt).
    isComplete: () => true,
    sliderEndsAt: 999,
    repeats: 10,
    quickRepeats: 3,
  },
  {
    name: 'the same loop in a plain print',
    cellIndex: 2,
    code: 'for i in range(1000):\n    print(i)',
    isComplete: (text) => text.endsWith('999\n'),
    repeats: 10,
    quickRepeats: 3,
  },
];

/**
 * The value of the slider SLIDER_SETUP made, in this widget state (what was recorded from the kernel's comm
 * messages), or undefined when there is not exactly one. Below the case's `sliderEndsAt`, updates were lost.
 */
export function sliderValueIn(state: WidgetStateMetadata | undefined): number | undefined {
  const sliders = Object.values(state?.state ?? {}).filter((model) => model.model_name === 'IntSliderModel');
  const value = sliders.length === 1 ? sliders[0]!.state.value : undefined;
  return typeof value === 'number' ? value : undefined;
}
