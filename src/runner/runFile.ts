import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { InvalidInputError } from '../core/common/errors';
import type { CellRun } from '../core/execution/cellRun';
import { WidgetStateMetadata, withWidgetState } from '../core/outputs/widgetState';
import { loadRunInput, RunInput } from './cellSource';
import type { RunOptions } from './cliArgs';
import { newNotebook } from '../core/formats/newNotebook';
import { codeCellsOf, NotebookDocument, withOutputs } from '../core/formats/notebookFile';
import { storedOutput } from './runResponse';
import type { RunRequest } from './runRequest';

/** A file turned into a request, where its kernel should run, and how to put results back into a notebook. */
export interface PreparedRun {
  request: RunRequest;
  /** Undefined: a fresh temporary directory (run requests are self-contained). */
  workDir?: string;
  executedNotebook(runs: readonly CellRun[], kernelRecord?: KernelRecord): NotebookDocument;
}

/** What the run's kernel leaves in an executed notebook's metadata, as nbclient records it. */
export interface KernelRecord {
  /** The run's widget models (WidgetStateRecorder), saved as `metadata.widgets`. */
  widgetState?: WidgetStateMetadata | undefined;
  /** The kernel's kernel_info `language_info`, saved as `metadata.language_info`. */
  languageInfo?: Record<string, unknown> | undefined;
}

export async function prepareRun(file: string, options: RunOptions): Promise<PreparedRun> {
  const input = loadRunInput(file, await readInputFile(file));
  const request = input.request;
  if (options.kernel !== undefined) request.kernel = options.kernel;
  if (options.cellTimeoutSeconds !== undefined) request.cellTimeoutSeconds = options.cellTimeoutSeconds;
  if (options.stopOnError) request.stopOnError = true;
  if (options.totalTimeoutSeconds !== undefined) request.totalTimeoutSeconds = options.totalTimeoutSeconds;
  // The contract's 45 s default suits service requests; a notebook or script run from the shell has no limit unless asked.
  else if (input.kind !== 'request') request.totalTimeoutSeconds = 0;
  const workDir = input.kind === 'request' ? undefined : path.dirname(path.resolve(file));
  return { request, ...(workDir ? { workDir } : {}), executedNotebook: (runs, kernelRecord = {}) => withKernelRecord(executedNotebook(input, runs), kernelRecord) };
}

async function readInputFile(file: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : String(error);
    throw new InvalidInputError('file', `cannot read '${file}': ${why}`);
  }
}

/**
 * The input with each cell's outputs and count from its run. A skipped cell (blank, or tagged
 * `skip-execution`) is left exactly as it was, outputs included, as nbclient leaves it.
 */
function withKernelRecord(notebook: NotebookDocument, { widgetState, languageInfo }: KernelRecord): NotebookDocument {
  const withLanguage = languageInfo ? { ...notebook, metadata: { ...notebook.metadata, language_info: languageInfo } } : notebook;
  return withWidgetState(withLanguage, widgetState);
}

function executedNotebook(input: RunInput, runs: readonly CellRun[]): NotebookDocument {
  const ran = <T>(_: T, i: number): boolean => runs[i]?.state !== 'skipped';
  const resultOf = (run: CellRun | undefined) => ({
    outputs: run ? run.outputs.outputs.map(storedOutput) : [],
    executionCount: run?.state === 'cancelled' ? null : run?.executionCount ?? null,
  });
  switch (input.kind) {
    case 'notebook':
      return withOutputs(
        input.notebook,
        codeCellsOf(input.notebook)
          .map((cell, i) => ({ index: cell.index, ...resultOf(runs[i]) }))
          .filter(ran),
      );
    case 'script':
    case 'request': {
      const cells = input.kind === 'script' ? input.cells : input.request.cells.map((source) => ({ kind: 'code' as const, source }));
      const notebook = newNotebook(cells, input.request.kernel);
      return withOutputs(
        notebook,
        notebook.cells
          .flatMap((cell, index) => (cell.cell_type === 'code' ? [index] : []))
          .map((index, i) => ({ index, ...resultOf(runs[i]) }))
          .filter(ran),
      );
    }
  }
}
