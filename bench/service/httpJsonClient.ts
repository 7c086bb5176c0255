import { Agent, request as httpRequest } from 'node:http';

export interface JsonReply<T> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
}

/**
 * Node's own HTTP client over one keep-alive agent, as a client sending many requests would use it:
 * connections are reused, so a measured request pays no TCP handshake.
 */
export class HttpJsonClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: Infinity });

  constructor(private readonly baseUrl: string, private readonly timeoutMs = 120_000) {}

  get<T>(path: string): Promise<JsonReply<T>> {
    return this.send<T>('GET', path);
  }

  post<T>(path: string, body: unknown): Promise<JsonReply<T>> {
    return this.send<T>('POST', path, Buffer.from(JSON.stringify(body)));
  }

  /** Plain text, for /metrics. */
  async getText(path: string): Promise<string> {
    return (await this.send<string>('GET', path, undefined, false)).body;
  }

  close(): void {
    this.agent.destroy();
  }

  private send<T>(method: string, path: string, payload?: Buffer, json = true): Promise<JsonReply<T>> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {};
      const request = httpRequest(new URL(path, this.baseUrl), { method, agent: this.agent, headers, timeout: this.timeoutMs }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            resolve({ status: response.statusCode ?? 0, headers: response.headers, body: (json ? JSON.parse(text) : text) as T });
          } catch (error) {
            reject(new Error(`${method} ${path}: HTTP ${response.statusCode}, body is not JSON: ${text.slice(0, 200)} (${String(error)})`));
          }
        });
      });
      request.on('timeout', () => request.destroy(new Error(`${method} ${path}: no answer within ${this.timeoutMs / 1000} s`)));
      request.on('error', reject);
      request.end(payload);
    });
  }
}
