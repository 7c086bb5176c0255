/**
 * Turns the file given to `cellbridge run FILE` into a run: a notebook, a percent-format script or a
 * run-cells request, chosen by the file's extension. Reading the file is the caller's job.
 */
import { extname } from 'node:path';
import { InvalidInputError } from '../core/common/errors';
import { parseJsonText } from '../core/formats/jsonInput';
import { codeCellsOf, kernelNameOf, NotebookDocument, parseNotebook } from '../core/formats/notebookFile';
import { ScriptCell, splitPercentScript } from '../core/formats/percentScript';
import { checkKernelName, DEFAULT_KERNEL, defaultRunRequest, parseRunRequest, RunRequest } from './runRequest';

/**
 * What to run. For a notebook, `request.cells[i]` is the i-th code cell (`codeCellsOf`), so results go
 * back with `withOutputs`; for a script, it is the i-th cell of kind 'code' in `cells`.
 */
export type RunInput =
  | { kind: 'notebook'; notebook: NotebookDocument; request: RunRequest }
  | { kind: 'script'; cells: ScriptCell[]; request: RunRequest }
  | { kind: 'request'; request: RunRequest };

/** `path` only chooses the format (and names the file in messages); `text` is its content. */
export function loadRunInput(path: string, text: string): RunInput {
  const extension = extname(path).toLowerCase();
  switch (extension) {
    case '.ipynb':
      return notebookInput(parseNotebook(text));
    case '.py':
      return scriptInput(splitPercentScript(text));
    case '.json':
      return { kind: 'request', request: parseRunRequest(parseJsonText('request', text)) };
    default:
      throw new InvalidInputError(
        'file',
        `cannot tell how to run '${path}': expected a notebook (.ipynb), a Python script with # %% cells (.py) or a run request (.json)`,
      );
  }
}

function notebookInput(notebook: NotebookDocument): RunInput {
  const codeCells = codeCellsOf(notebook);
  const savedKernel = kernelNameOf(notebook);
  // The name picks a kernelspec folder, so a notebook gets the same check as a request.
  const kernel = savedKernel === undefined ? DEFAULT_KERNEL : checkKernelName('metadata.kernelspec.name', savedKernel);
  const request = defaultRunRequest(codeCells.map((cell) => cell.source), kernel);
  // Tags such as `raises-exception` and `skip-execution` change how a cell is run (nbclient's conventions).
  request.cellTags = codeCells.map((cell) => cell.tags);
  return { kind: 'notebook', notebook, request };
}

function scriptInput(cells: ScriptCell[]): RunInput {
  const codeSources = cells.filter((cell) => cell.kind === 'code').map((cell) => cell.source);
  return { kind: 'script', cells, request: defaultRunRequest(codeSources) };
}
