import { AssertionError } from 'node:assert';
import type { RunResponse } from '../../src/runner/runResponse';

/**
 * The answers of the run-cells contract (../shared/reference/run-jupyter.md), checked field by field.
 *
 * Two layers:
 * - `sandboxFusionProblems`: what SandboxFusion's official client accepts. It parses every answer with its
 *   pydantic models (RunJupyterResponse, CommandRunResult, CellRunResult) and raises on one that does not
 *   fit, so an answer failing here is an answer that client never returns. Stricter than pydantic, which
 *   coerces some values (a string for a number, a float for an int): our answers are exactly typed.
 * - `contractProblems`: what our contract adds or promises beyond those models: every field present, our
 *   per-cell fields (`status`, `execution_count`, `execution_time`, `outputs` as nbformat v4 stores them).
 *
 * Each problem names the JSON path at fault (`driver.status`, `cells[2].stdout`, `files["a.txt"]`).
 */

/** SandboxFusion's RunStatus. */
export const RUN_STATUSES = ['Success', 'Failed', 'SandboxError'] as const;
/** SandboxFusion's CommandRunStatus, the driver's status. */
export const COMMAND_RUN_STATUSES = ['Finished', 'Error', 'TimeLimitExceeded'] as const;
/** Our per-cell status. */
export const CELL_STATUSES = ['ok', 'error', 'timeout', 'memory_limit', 'stopped', 'cancelled', 'kernel_died'] as const;

type Json = Record<string, unknown>;

/** Problems with `body` as SandboxFusion's RunJupyterResponse; empty when its client accepts it. */
export function sandboxFusionProblems(body: unknown): string[] {
  const check = new Checker();
  const answer = check.object('(the answer)', body);
  if (!answer) return check.problems;
  check.oneOf('status', answer.status, RUN_STATUSES);
  check.string('message', answer.message);
  if (check.present(answer.driver)) {
    const driver = check.object('driver', answer.driver, { nullable: true });
    if (driver) {
      check.oneOf('driver.status', driver.status, COMMAND_RUN_STATUSES);
      check.number('driver.execution_time', driver.execution_time, { optional: true });
      check.integer('driver.return_code', driver.return_code, { optional: true });
      check.string('driver.stdout', driver.stdout, { optional: true });
      check.string('driver.stderr', driver.stderr, { optional: true });
    }
  }
  if (check.present(answer.cells)) {
    check.array('cells', answer.cells)?.forEach((cell, i) => {
      const at = `cells[${i}]`;
      const fields = check.object(at, cell);
      if (!fields) return;
      check.string(`${at}.stdout`, fields.stdout);
      check.string(`${at}.stderr`, fields.stderr);
      check.array(`${at}.display`, fields.display)?.forEach((bundle, j) => check.object(`${at}.display[${j}]`, bundle));
      check.array(`${at}.error`, fields.error)?.forEach((entry, j) => check.object(`${at}.error[${j}]`, entry));
    });
  }
  if (check.present(answer.executor_pod_name)) check.string('executor_pod_name', answer.executor_pod_name, { nullable: true });
  if (check.present(answer.files)) {
    const files = check.object('files', answer.files);
    if (files) for (const [name, content] of Object.entries(files)) check.string(`files[${JSON.stringify(name)}]`, content);
  }
  return check.problems;
}

/**
 * Problems with `body` as our contract's answer, beyond SandboxFusion's models: every field present and
 * typed (driver included), `Success` exactly when the driver `Finished`, files as base64 (and `file_errors`, when
 * present, a reason for each file left out), error entries
 * with ename/evalue/traceback, display values as Jupyter sends them, and our per-cell fields.
 */
export function contractProblems(body: unknown): string[] {
  const check = new Checker();
  const answer = check.object('(the answer)', body);
  if (!answer) return check.problems;
  for (const field of ['status', 'message', 'driver', 'cells', 'executor_pod_name', 'files']) {
    if (!(field in answer) || answer[field] === undefined) check.problem(field, 'is required', undefined);
  }
  // A missing driver is reported above; a null one (SandboxFusion allows it) is not ours to send.
  const driver = answer.driver === undefined ? undefined : check.object('driver', answer.driver);
  if (driver) {
    check.number('driver.execution_time', driver.execution_time, { min: 0 });
    check.integer('driver.return_code', driver.return_code);
    check.string('driver.stdout', driver.stdout);
    check.string('driver.stderr', driver.stderr);
    if ((answer.status === 'Success') !== (driver.status === 'Finished')) {
      check.problem('driver.status', `must be "Finished" exactly when status is "Success" (status is ${describe(answer.status)})`, driver.status);
    }
    if (answer.status === 'Success' && typeof driver.return_code === 'number' && driver.return_code !== 0) check.problem('driver.return_code', 'must be 0 when status is "Success"', driver.return_code);
  }
  if (typeof answer.files === 'object' && answer.files !== null && !Array.isArray(answer.files)) {
    for (const [name, content] of Object.entries(answer.files)) {
      if (typeof content === 'string' && !isBase64(content)) check.problem(`files[${JSON.stringify(name)}]`, 'must be base64', content);
    }
  }
  // Ours, only when some fetch_files could not be read: name → why; never a name that is in `files` too.
  if ('file_errors' in answer) {
    const errors = check.object('file_errors', answer.file_errors);
    if (errors && Object.keys(errors).length === 0) check.problem('file_errors', 'is present only when some file could not be fetched', errors);
    for (const [name, reason] of Object.entries(errors ?? {})) {
      const at = `file_errors[${JSON.stringify(name)}]`;
      check.string(at, reason);
      if (typeof answer.files === 'object' && answer.files !== null && Object.hasOwn(answer.files, name)) check.problem(at, 'names a file that is in files too', reason);
    }
  }
  if (!Array.isArray(answer.cells)) return check.problems;
  answer.cells.forEach((cell, i) => {
    const at = `cells[${i}]`;
    if (typeof cell !== 'object' || cell === null || Array.isArray(cell)) return; // Reported by sandboxFusionProblems.
    const fields = cell as Json;
    check.oneOf(`${at}.status`, fields.status, CELL_STATUSES);
    check.integer(`${at}.execution_count`, fields.execution_count, { nullable: true, min: 0 });
    check.number(`${at}.execution_time`, fields.execution_time, { min: 0 });
    check.array(`${at}.outputs`, fields.outputs)?.forEach((output, j) => checkOutput(check, `${at}.outputs[${j}]`, output));
    if (Array.isArray(fields.display)) {
      fields.display.forEach((bundle, j) => {
        if (typeof bundle === 'object' && bundle !== null && !Array.isArray(bundle)) checkMimeBundle(check, `${at}.display[${j}]`, bundle as Json, { lines: false });
      });
    }
    if (Array.isArray(fields.error)) {
      fields.error.forEach((entry, j) => {
        if (typeof entry === 'object' && entry !== null && !Array.isArray(entry)) checkErrorFields(check, `${at}.error[${j}]`, entry as Json);
      });
    }
  });
  return check.problems;
}

/** Fails, naming every path at fault, unless SandboxFusion's client would accept `body`. */
export function assertSandboxFusionResponse(body: unknown): void {
  fail('SandboxFusion\'s client would reject this answer', sandboxFusionProblems(body), body);
}

/** Fails, naming every path at fault, unless `body` has our contract's fields and per-cell statuses. */
export function assertContractFields(body: unknown): void {
  fail('The answer breaks the run-cells contract', contractProblems(body), body);
}

/** Both checks; the answer, typed, for the test to read. */
export function assertRunAnswer(body: unknown): RunResponse {
  const problems = sandboxFusionProblems(body);
  fail('SandboxFusion\'s client would reject this answer', problems.length ? problems : contractProblems(body), body);
  return body as RunResponse;
}

/** The body of a refused request (4xx, 5xx): `{error, field?}`. */
export function errorBodyProblems(body: unknown): string[] {
  const check = new Checker();
  const fields = check.object('(the answer)', body);
  if (!fields) return check.problems;
  check.string('error', fields.error);
  check.string('field', fields.field, { optional: true });
  return check.problems;
}

function fail(what: string, problems: string[], body: unknown): void {
  if (problems.length === 0) return;
  const text = JSON.stringify(body, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? String(value) : value)) ?? String(body);
  const shown = text.length > 2000 ? `${text.slice(0, 2000)}… (${text.length} characters)` : text;
  throw new AssertionError({ message: `${what}:\n  ${problems.join('\n  ')}\nanswer: ${shown}`, actual: problems, expected: [], operator: 'schema' });
}

/** nbformat v4 outputs, as saved: no other field than the schema's (`transient` included). */
const OUTPUT_FIELDS: Record<string, readonly string[]> = {
  stream: ['output_type', 'name', 'text'],
  display_data: ['output_type', 'data', 'metadata'],
  execute_result: ['output_type', 'execution_count', 'data', 'metadata'],
  error: ['output_type', 'ename', 'evalue', 'traceback'],
};

function checkOutput(check: Checker, at: string, output: unknown): void {
  const fields = check.object(at, output);
  if (!fields) return;
  const allowed = check.oneOf(`${at}.output_type`, fields.output_type, Object.keys(OUTPUT_FIELDS));
  if (!allowed) return;
  for (const key of Object.keys(fields)) {
    if (!OUTPUT_FIELDS[allowed]!.includes(key)) check.problem(`${at}.${key}`, `is not a field of an nbformat v4 ${allowed} output`, fields[key]);
  }
  switch (allowed) {
    case 'stream':
      check.oneOf(`${at}.name`, fields.name, ['stdout', 'stderr']);
      check.multilineString(`${at}.text`, fields.text);
      return;
    case 'execute_result':
    case 'display_data': {
      if (allowed === 'execute_result') check.integer(`${at}.execution_count`, fields.execution_count, { nullable: true, min: 0 });
      const data = check.object(`${at}.data`, fields.data);
      if (data) checkMimeBundle(check, `${at}.data`, data, { lines: true });
      check.object(`${at}.metadata`, fields.metadata);
      return;
    }
    case 'error':
      checkErrorFields(check, at, fields);
  }
}

/**
 * A MIME bundle as nbformat v4 defines it: keys are MIME types; JSON types (`application/json`,
 * `application/*+json`) hold any JSON, every other type text (base64 for images). nbformat allows a list of
 * lines for text (`lines`); the contract's `display` sends strings.
 */
function checkMimeBundle(check: Checker, at: string, bundle: Json, { lines }: { lines: boolean }): void {
  for (const [mime, value] of Object.entries(bundle)) {
    const path = `${at}[${JSON.stringify(mime)}]`;
    if (!/^[a-z0-9.+-]+\/[a-z0-9.+-]+$/i.test(mime)) check.problem(path, 'is not keyed by a MIME type', mime);
    else if (/^application\/(.*\+)?json$/.test(mime)) check.json(path, value);
    else if (lines) check.multilineString(path, value);
    else check.string(path, value);
  }
}

function checkErrorFields(check: Checker, at: string, fields: Json): void {
  check.string(`${at}.ename`, fields.ename);
  check.string(`${at}.evalue`, fields.evalue);
  check.array(`${at}.traceback`, fields.traceback)?.forEach((line, k) => check.string(`${at}.traceback[${k}]`, line));
}

function isBase64(text: string): boolean {
  return text.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(text);
}

interface FieldRules {
  /** May be absent (pydantic's `Optional[...] = None`); absent is then the same as null. */
  optional?: boolean;
  nullable?: boolean;
  min?: number;
}

/** Collects problems; each `check` returns the value when it has the right type, for the caller to go deeper. */
class Checker {
  readonly problems: string[] = [];

  problem(path: string, what: string, value: unknown): void {
    this.problems.push(`${path} ${what}, got ${describe(value)}`);
  }

  /** Present in JSON: a key whose value is undefined is not sent. */
  present(value: unknown): boolean {
    return value !== undefined;
  }

  /** Null or absent where that is allowed; a problem where it is not. True when there is nothing more to check. */
  private empty(path: string, value: unknown, rules: FieldRules): boolean {
    if (value === undefined) {
      if (!rules.optional) this.problem(path, 'is required', value);
      return true;
    }
    if (value === null) {
      if (!rules.nullable && !rules.optional) this.problem(path, 'must not be null', value);
      return true;
    }
    return false;
  }

  string(path: string, value: unknown, rules: FieldRules = {}): string | undefined {
    if (this.empty(path, value, rules)) return undefined;
    if (typeof value === 'string') return value;
    this.problem(path, 'must be a string', value);
    return undefined;
  }

  multilineString(path: string, value: unknown): void {
    if (this.empty(path, value, {})) return;
    if (typeof value === 'string') return;
    if (Array.isArray(value) && value.every((line) => typeof line === 'string')) return;
    this.problem(path, 'must be a string or a list of strings', value);
  }

  number(path: string, value: unknown, rules: FieldRules = {}): number | undefined {
    if (this.empty(path, value, rules)) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      this.problem(path, 'must be a finite number', value);
      return undefined;
    }
    if (rules.min !== undefined && value < rules.min) {
      this.problem(path, `must be at least ${rules.min}`, value);
      return undefined;
    }
    return value;
  }

  integer(path: string, value: unknown, rules: FieldRules = {}): number | undefined {
    if (this.empty(path, value, rules)) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      this.problem(path, 'must be an integer', value);
      return undefined;
    }
    return this.number(path, value, rules);
  }

  oneOf<T extends string>(path: string, value: unknown, allowed: readonly T[], rules: FieldRules = {}): T | undefined {
    if (this.empty(path, value, rules)) return undefined;
    if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
    this.problem(path, `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`, value);
    return undefined;
  }

  object(path: string, value: unknown, rules: FieldRules = {}): Json | undefined {
    if (this.empty(path, value, rules)) return undefined;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Json;
    this.problem(path, 'must be an object', value);
    return undefined;
  }

  array(path: string, value: unknown, rules: FieldRules = {}): unknown[] | undefined {
    if (this.empty(path, value, rules)) return undefined;
    if (Array.isArray(value)) return value;
    this.problem(path, 'must be a list', value);
    return undefined;
  }

  /** Any JSON value: no NaN, Infinity, undefined, function or other thing JSON cannot carry. */
  json(path: string, value: unknown): void {
    if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) this.problem(path, 'must be JSON (a finite number)', value);
      return;
    }
    if (Array.isArray(value)) return value.forEach((item, i) => this.json(`${path}[${i}]`, item));
    if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      for (const [key, item] of Object.entries(value)) this.json(`${path}[${JSON.stringify(key)}]`, item);
      return;
    }
    this.problem(path, 'must be JSON', value);
  }
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'object' && value !== null) return `an object (${truncate(JSON.stringify(value))})`;
  if (typeof value === 'string') return `the string ${truncate(JSON.stringify(value))}`;
  return `${typeof value} ${String(value)}`;
}

function truncate(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
