/**
 * Converts nbformat v4 outputs between their on-disk JSON (multi-line strings possibly split into lines)
 * and the in-memory `Output` the outputs reducer produces (strings joined, `transient` allowed).
 */
import { InvalidInputError } from '../common/errors';
import { ErrorOutput, joinMultilineStrings, MimeBundle, Output, StreamOutput } from '../outputs/nbformat';
import { describeJsonType, isJsonObject, JsonObject } from './jsonInput';
import { isLineSplitMimeType, isMultiline, joinMultiline, splitLinesKeepingEnds } from './nbformatJson';

/** Reads one saved output; `field` (e.g. `cells[3].outputs[0]`) names it in errors. */
export function outputFromJson(field: string, value: unknown): Output {
  if (!isJsonObject(value)) throw new InvalidInputError(field, `must be an output object, got ${describeJsonType(value)}`);
  const outputType = value.output_type;
  switch (outputType) {
    case 'stream':
      return streamFromJson(field, value);
    case 'display_data':
      return { output_type: 'display_data', data: mimeBundleFromJson(`${field}.data`, value.data), metadata: metadataOf(field, value) };
    case 'execute_result':
      return {
        output_type: 'execute_result',
        execution_count: executionCountOf(`${field}.execution_count`, value.execution_count),
        data: mimeBundleFromJson(`${field}.data`, value.data),
        metadata: metadataOf(field, value),
      };
    case 'error':
      return errorFromJson(field, value);
    default:
      throw new InvalidInputError(
        `${field}.output_type`,
        `must be "stream", "display_data", "execute_result" or "error", got ${JSON.stringify(outputType) ?? 'nothing'}`,
      );
  }
}

/** The JSON nbformat saves for an output: `transient` dropped, text split into lines. */
export function outputToJson(output: Output): JsonObject {
  switch (output.output_type) {
    case 'stream':
      return { output_type: 'stream', name: output.name, text: splitLinesKeepingEnds(output.text) };
    case 'display_data':
      return { output_type: 'display_data', data: mimeBundleToJson(output.data), metadata: output.metadata };
    case 'execute_result':
      return {
        output_type: 'execute_result',
        execution_count: output.execution_count,
        data: mimeBundleToJson(output.data),
        metadata: output.metadata,
      };
    case 'error':
      return { output_type: 'error', ename: output.ename, evalue: output.evalue, traceback: output.traceback };
  }
}

/** Joins text values that were saved as line lists; JSON MIME values are documents and stay as they are. */
export function mimeBundleFromJson(field: string, value: unknown): MimeBundle {
  if (!isJsonObject(value)) throw new InvalidInputError(field, `must be an object of MIME type → data, got ${describeJsonType(value)}`);
  return joinMultilineStrings(value);
}

export function mimeBundleToJson(bundle: MimeBundle): MimeBundle {
  const entries = Object.entries(bundle).map(([mimeType, data]): [string, unknown] => [
    mimeType,
    typeof data === 'string' && isLineSplitMimeType(mimeType) ? splitLinesKeepingEnds(data) : data,
  ]);
  return Object.fromEntries(entries);
}

export function executionCountOf(field: string, value: unknown): number | null {
  // Missing is read as "never run", which is what nbformat's null means.
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new InvalidInputError(field, `must be a whole number or null, got ${describeJsonType(value)}`);
  }
  return value;
}

function streamFromJson(field: string, value: JsonObject): StreamOutput {
  const { name, text } = value;
  if (name !== 'stdout' && name !== 'stderr') {
    throw new InvalidInputError(`${field}.name`, `must be "stdout" or "stderr", got ${JSON.stringify(name) ?? 'nothing'}`);
  }
  if (!isMultiline(text)) {
    throw new InvalidInputError(`${field}.text`, `must be a string or a list of strings, got ${describeJsonType(text)}`);
  }
  return { output_type: 'stream', name, text: joinMultiline(text) };
}

function errorFromJson(field: string, value: JsonObject): ErrorOutput {
  const { ename, evalue, traceback } = value;
  if (typeof ename !== 'string') throw new InvalidInputError(`${field}.ename`, `must be a string, got ${describeJsonType(ename)}`);
  if (typeof evalue !== 'string') throw new InvalidInputError(`${field}.evalue`, `must be a string, got ${describeJsonType(evalue)}`);
  if (!Array.isArray(traceback) || !isMultiline(traceback)) {
    throw new InvalidInputError(`${field}.traceback`, `must be a list of strings, got ${describeJsonType(traceback)}`);
  }
  return { output_type: 'error', ename, evalue, traceback };
}

function metadataOf(field: string, value: JsonObject): JsonObject {
  if (value.metadata === undefined) return {};
  if (!isJsonObject(value.metadata)) {
    throw new InvalidInputError(`${field}.metadata`, `must be an object, got ${describeJsonType(value.metadata)}`);
  }
  return value.metadata;
}
