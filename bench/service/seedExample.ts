/**
 * The requests the benchmark sends: SandboxFusion's Jupyter-mode example (its four cells, verbatim, from
 * shared/reference/000_*.txt) and a trivial one-cell request; and checks that an answer is the right one,
 * so that a fast wrong answer never counts as a fast answer.
 */
export interface BenchRequest {
  cells: string[];
  kernel: string;
}

export type RequestKind = 'seed' | 'trivial';

export function seedRequest(kernel: string): BenchRequest {
  return {
    kernel,
    cells: [
      '\na = 123\n# display stream\na\n    ',
      '\n# stdout & stderr stream\nprint(a)\nimport sys\nsys.stderr.write(str(a))\n    ',
      '\nraise Exception("This exception doesn\'t interrupt cell execution")\n    ',
      '\nimport matplotlib.pyplot as plt\n\nplt.plot([1, 2, 3], [1, 2, 3])\n    ',
    ],
  };
}

export function trivialRequest(kernel: string): BenchRequest {
  return { kernel, cells: ['print(1 + 1)'] };
}

export function requestOf(kind: RequestKind, kernel: string): BenchRequest {
  return kind === 'seed' ? seedRequest(kernel) : trivialRequest(kernel);
}

/** A cell's outputs in the run-cells shape, as both the service and the fresh-kernel script answer them. */
export interface CellOutputs {
  stdout: string;
  stderr: string;
  display: Array<Record<string, unknown>>;
  error: Array<{ ename: string }>;
}

/** Why the cells' outputs are not those of `kind`, or undefined when they are. */
export function wrongOutputs(kind: RequestKind, cells: readonly CellOutputs[] | undefined): string | undefined {
  if (!Array.isArray(cells)) return 'no cells in the answer';
  const expected = kind === 'seed' ? 4 : 1;
  if (cells.length !== expected) return `${cells.length} cells, expected ${expected}`;
  const problems = kind === 'seed' ? seedProblems(cells) : cells[0]!.stdout === '2\n' ? [] : [`stdout ${JSON.stringify(cells[0]!.stdout)}`];
  return problems.length ? problems.join('; ') : undefined;
}

function seedProblems(cells: readonly CellOutputs[]): string[] {
  const [first, second, third, fourth] = cells as [CellOutputs, CellOutputs, CellOutputs, CellOutputs];
  const problems: string[] = [];
  const plain = (cell: CellOutputs): unknown[] => cell.display.map((bundle) => bundle['text/plain']);
  if (plain(first)[0] !== '123') problems.push('cell 1: no display 123');
  if (second.stdout !== '123\n' || second.stderr !== '123') problems.push(`cell 2: stdout ${JSON.stringify(second.stdout)}, stderr ${JSON.stringify(second.stderr)}`);
  if (plain(second)[0] !== '3') problems.push('cell 2: no display 3');
  if (third.error[0]?.ename !== 'Exception') problems.push('cell 3: no Exception');
  const png = fourth.display.find((bundle) => typeof bundle['image/png'] === 'string' && (bundle['image/png'] as string).length > 100);
  if (!png) problems.push('cell 4: no PNG figure');
  for (const [index, cell] of cells.entries()) {
    if (index !== 2 && cell.error.length) problems.push(`cell ${index + 1}: ${cell.error[0]!.ename}`);
  }
  return problems;
}
