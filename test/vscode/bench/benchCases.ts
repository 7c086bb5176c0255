/** The cells of the VS Code benchmark; `cellIndex` is the cell's place in the notebook the benchmark writes. */
export interface BenchCase {
  readonly name: string;
  readonly cellIndex: number;
  readonly code: string;
  /** Whether the text of the cell's last output shows the case has finished. */
  readonly isComplete: (lastText: string) => boolean;
  readonly repeats: number;
  readonly quickRepeats: number;
}

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
