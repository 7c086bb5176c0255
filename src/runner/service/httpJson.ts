import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CancellationToken } from '../../core/common/cancellation';
import type { Disposable } from '../../core/common/disposable';

/** A request that cannot be served as sent; becomes an HTTP error with a JSON body naming the cause. */
export class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly field?: string, readonly headers: Record<string, string> = {}) {
    super(message);
    this.name = 'HttpError';
  }
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  response.end(text);
}

/**
 * Sends JSON already written in pieces (responseText.ts), one after another, each when the socket has taken
 * the last: a large answer is never copied whole into the socket's buffer. Stops early if the client leaves.
 */
export async function sendJsonPieces(response: ServerResponse, status: number, json: { pieces: readonly string[]; bytes: number }): Promise<void> {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': json.bytes });
  for (const piece of json.pieces) {
    if (response.destroyed) return;
    if (!response.write(piece)) await drainedOrClosed(response);
  }
  response.end();
}

async function drainedOrClosed(response: ServerResponse): Promise<void> {
  // Aborted afterwards, so the listener of the event that did not happen does not stay behind.
  const done = new AbortController();
  try {
    await Promise.race([once(response, 'drain', { signal: done.signal }), once(response, 'close', { signal: done.signal })]);
  } finally {
    done.abort();
  }
}

export function sendError(response: ServerResponse, error: HttpError): void {
  sendJson(response, error.status, { error: error.message, ...(error.field ? { field: error.field } : {}) }, error.headers);
}

/** The rest of a refused body is never read: the connection closes after the answer instead. */
const CLOSE = { connection: 'close' };

/**
 * Reads the body, refusing (413) as soon as it is known to exceed `limitBytes`, so a huge upload is never
 * buffered. Gives up (503) when `stop` is cancelled first: the client left, or the service is closing.
 */
export function readBody(request: IncomingMessage, limitBytes: number, stop?: CancellationToken): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) {
    return Promise.reject(new HttpError(413, `The request body is ${declared} bytes; the limit is ${limitBytes}.`, 'body', CLOSE));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    let subscription: Disposable | undefined;
    const settle = (error?: HttpError): void => {
      if (settled) return;
      settled = true;
      subscription?.dispose();
      request.off('data', onData).off('end', onEnd).off('error', onError);
      if (error) {
        // Stop reading; the answer closes the connection.
        request.pause();
        reject(error);
      } else {
        resolve(Buffer.concat(chunks));
      }
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limitBytes) settle(new HttpError(413, `The request body exceeds the limit of ${limitBytes} bytes.`, 'body', CLOSE));
      else chunks.push(chunk);
    };
    const onEnd = (): void => settle();
    const onError = (error: Error): void => settle(new HttpError(400, `The request body could not be read: ${error.message}`, 'body', CLOSE));
    request.on('data', onData).on('end', onEnd).on('error', onError);
    subscription = stop?.onCancellationRequested(() => settle(new HttpError(503, 'Stopped reading the request: the service is closing.', undefined, CLOSE)));
  });
}
