import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CancellationToken } from '../../core/common/cancellation';
import type { Disposable } from '../../core/common/disposable';
import type { BodyAllowance } from './bodyBudget';

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

/** What a request body may be: how large, how slow, and how much of the service's memory it may take. */
export interface BodyLimits {
  /** Refused with 413 past this. */
  maxBytes: number;
  /** Refused with 408 when the whole body has not arrived this long after the reading began. */
  timeoutMs: number;
  /** Charged as the bytes arrive; refused with 429 when the service holds too much already. */
  allowance?: BodyAllowance;
}

/**
 * Reads the body, refusing (413) as soon as it is known to exceed its limit, so a huge upload is never
 * buffered, and refusing (408) a body still incomplete at its deadline: a client sending a byte now and then
 * (slowloris) holds the connection no longer than that. Gives up (503) when `stop` is cancelled first: the
 * client left, or the service is closing.
 */
export function readBody(request: IncomingMessage, limits: BodyLimits, stop?: CancellationToken): Promise<Buffer> {
  const { maxBytes, timeoutMs, allowance } = limits;
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    return Promise.reject(new HttpError(413, `The request body is ${declared} bytes; the limit is ${maxBytes}.`, 'body', CLOSE));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    let subscription: Disposable | undefined;
    const settle = (error?: HttpError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
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
      if (size > maxBytes) settle(new HttpError(413, `The request body exceeds the limit of ${maxBytes} bytes.`, 'body', CLOSE));
      else if (allowance && !allowance.take(chunk.length)) settle(new HttpError(429, 'The service is receiving too many request bodies at once; try again shortly.', undefined, { ...CLOSE, 'retry-after': '1' }));
      else chunks.push(chunk);
    };
    const onEnd = (): void => settle();
    const onError = (error: Error): void => settle(new HttpError(400, `The request body could not be read: ${error.message}`, 'body', CLOSE));
    const deadline = setTimeout(
      () => settle(new HttpError(408, `The request body did not arrive whole within ${timeoutMs / 1000} s; send it without pauses.`, 'body', CLOSE)),
      timeoutMs,
    );
    request.on('data', onData).on('end', onEnd).on('error', onError);
    subscription = stop?.onCancellationRequested(() => settle(new HttpError(503, 'Stopped reading the request: the client left or the service is closing.', undefined, CLOSE)));
  });
}
