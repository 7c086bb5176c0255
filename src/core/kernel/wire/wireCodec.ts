import { createHmac, timingSafeEqual } from 'node:crypto';
import type { KernelMessage } from '@jupyterlab/services';
import type { Channel } from '../connectionInfo';

const DELIMITER = '<IDS|MSG>';

/**
 * Encodes and decodes Jupyter wire-protocol frames
 * (https://jupyter-client.readthedocs.io/en/stable/messaging.html#the-wire-protocol).
 */
export class WireCodec {
  private readonly key: Buffer;

  constructor(key: string) {
    this.key = Buffer.from(key, 'utf8');
  }

  encode(msg: KernelMessage.IMessage): Array<string | Buffer> {
    const header = JSON.stringify(msg.header);
    const parent = JSON.stringify(msg.parent_header ?? {});
    const metadata = JSON.stringify(msg.metadata ?? {});
    const content = JSON.stringify(msg.content ?? {});
    const buffers = (msg.buffers ?? []).map(toBuffer);
    return [DELIMITER, this.sign([header, parent, metadata, content]), header, parent, metadata, content, ...buffers];
  }

  /** Returns the message, or undefined when the frames are not a message signed with our key. */
  decode(frames: Buffer[], channel: Channel): KernelMessage.IMessage | undefined {
    const start = frames.findIndex((f) => f.length === DELIMITER.length && f.toString('latin1') === DELIMITER);
    if (start < 0 || frames.length < start + 6) return undefined;
    const [signature, header, parent, metadata, content] = frames.slice(start + 1, start + 6) as [Buffer, Buffer, Buffer, Buffer, Buffer];
    if (this.key.length > 0 && !this.verify(signature, [header, parent, metadata, content])) return undefined;
    const parentHeader: unknown = JSON.parse(parent.toString('utf8'));
    return {
      channel,
      header: JSON.parse(header.toString('utf8')),
      parent_header: parentHeader,
      metadata: JSON.parse(metadata.toString('utf8')),
      content: JSON.parse(content.toString('utf8')),
      buffers: frames.slice(start + 6),
    } as KernelMessage.IMessage;
  }

  private sign(parts: Array<string | Buffer>): string {
    if (this.key.length === 0) return '';
    const hmac = createHmac('sha256', this.key);
    for (const part of parts) hmac.update(part);
    return hmac.digest('hex');
  }

  private verify(signature: Buffer, parts: Buffer[]): boolean {
    const expected = Buffer.from(this.sign(parts), 'latin1');
    return expected.length === signature.length && timingSafeEqual(expected, signature);
  }
}

function toBuffer(buffer: ArrayBuffer | ArrayBufferView): Buffer {
  return ArrayBuffer.isView(buffer) ? Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength) : Buffer.from(buffer);
}
