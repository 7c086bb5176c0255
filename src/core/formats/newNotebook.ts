import { randomBytes } from 'node:crypto';
import type { NotebookCell, NotebookDocument } from './notebookFile';

export interface NewCell {
  kind: 'code' | 'markdown';
  source: string;
}

/** A fresh nbformat 4.5 notebook holding `cells`, for runs that did not start from a notebook. */
export function newNotebook(cells: readonly NewCell[], kernelName: string, language = 'python'): NotebookDocument {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: kernelName, display_name: kernelName, language },
      language_info: { name: language },
    },
    cells: cells.map((cell): NotebookCell => {
      // nbformat 4.5 cell ids: 1–64 characters of [a-zA-Z0-9-_].
      const id = randomBytes(4).toString('hex');
      return cell.kind === 'code'
        ? { id, cell_type: 'code', source: cell.source, metadata: {}, outputs: [], execution_count: null }
        : { id, cell_type: 'markdown', source: cell.source, metadata: {} };
    }),
  };
}
