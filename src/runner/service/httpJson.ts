import type { IncomingMessage, ServerResponse } from 'node:http';

/** A request that cannot be served as sent; becomes an HTTP error with a JSON body naming the cause. */
export class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly field?: string, readonly headers: Record<string, string> = {}) {
    super(message);
  }
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  response.end(text);
}

export function sendError(response: ServerResponse, error: HttpError): void {
  sendJson(response, error.status, { error: error.message, ...(error.field ? { field: error.field } : {}) }, error.headers);
}

/** Reads the body, refusing (413) as soon as it is known to exceed `limitBytes`, so a huge upload is never buffered. */
export function readBody(request: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) {
    return Promise.reject(new HttpError(413, `The request body is ${declared} bytes; the limit is ${limitBytes}.`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    request.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > limitBytes) {
        refused = true;
        reject(new HttpError(413, `The request body exceeds the limit of ${limitBytes} bytes.`));
        // Stop reading; the response closes the connection.
        request.pause();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      if (!refused) resolve(Buffer.concat(chunks));
    });
    request.on('error', (error) => {
      if (!refused) reject(new HttpError(400, `The request body could not be read: ${error.message}`));
    });
  });
}
