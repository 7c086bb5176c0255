import type { MimeBundle } from '../core/outputs/nbformat';
import type { CellResponse, RunResponse } from './runResponse';

const STATUS_WORDS: Record<CellResponse['status'], string> = {
  ok: 'ok',
  error: 'error',
  timeout: 'timed out',
  memory_limit: 'over the memory limit',
  stopped: 'stopped',
  cancelled: 'cancelled',
  kernel_died: 'kernel died',
};

/** Why the engine ended a cell, for a person: the outputs hold only what the kernel said (a KeyboardInterrupt, say). */
const STATUS_NOTES: Partial<Record<CellResponse['status'], string>> = {
  timeout: 'interrupted: it ran past its time limit',
  memory_limit: 'its kernel was stopped for using more memory than allowed',
  stopped: 'interrupted: the run was stopped',
};

/** The run for a person: each cell's outcome, its streams, what it displayed and its error. */
export function formatPretty(response: RunResponse, options: { color: boolean }): string {
  const lines: string[] = [];
  const strip = (text: string): string => (options.color ? text : stripAnsi(text));
  response.cells.forEach((cell, i) => {
    const count = cell.execution_count === null ? '[ ]' : `[${cell.execution_count}]`;
    lines.push(`── cell ${i + 1} ${count} ${STATUS_WORDS[cell.status]} (${cell.execution_time.toFixed(3)} s)`);
    const note = STATUS_NOTES[cell.status];
    if (note) lines.push(indent('note', note));
    if (cell.stdout) lines.push(indent('stdout', visibleText(cell.stdout)));
    if (cell.stderr) lines.push(indent('stderr', visibleText(cell.stderr)));
    for (const bundle of cell.display) lines.push(indent('display', describeBundle(bundle)));
    for (const error of cell.error) lines.push(indent('error', strip(error.traceback.length ? error.traceback.join('\n') : `${error.ename}: ${error.evalue}`)));
  });
  const counts = new Map<string, number>();
  for (const cell of response.cells) counts.set(cell.status, (counts.get(cell.status) ?? 0) + 1);
  const tally = [...counts].map(([status, n]) => `${n} ${STATUS_WORDS[status as CellResponse['status']]}`).join(', ');
  lines.push(`${response.status}: ${response.cells.length} cells (${tally || 'none run'}) in ${response.driver.execution_time.toFixed(2)} s`);
  if (response.message) lines.push(response.message);
  return lines.join('\n') + '\n';
}

function indent(label: string, text: string): string {
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  return body
    .split('\n')
    .map((line, i) => `${i === 0 ? label.padEnd(8) : ' '.repeat(8)}│ ${line}`)
    .join('\n');
}

/** What a terminal would show of raw stream text: each \r rewrites its line. */
function visibleText(raw: string): string {
  return raw
    .replace(/\r+\n/g, '\n')
    .split('\n')
    .map((line) => line.slice(line.lastIndexOf('\r') + 1))
    .join('\n');
}

function describeBundle(bundle: MimeBundle): string {
  const text = bundle['text/plain'];
  const others = Object.keys(bundle).filter((mime) => mime !== 'text/plain');
  const binary = others.map((mime) => {
    const value = bundle[mime];
    const size = typeof value === 'string' ? (mime.startsWith('image/') && mime !== 'image/svg+xml' ? (value.length * 3) / 4 : value.length) : JSON.stringify(value).length;
    return `${mime} (${formatBytes(size)})`;
  });
  return [typeof text === 'string' ? text : '', binary.length ? `[${binary.join(', ')}]` : ''].filter(Boolean).join('\n');
}

function formatBytes(bytes: number): string {
  return bytes < 1024 ? `${Math.round(bytes)} B` : `${(bytes / 1024).toFixed(1)} KiB`;
}

export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-?]*[ -/]*[@-~]/g, '');
}
