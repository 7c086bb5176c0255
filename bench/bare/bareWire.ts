import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

/** The minimum of the Jupyter wire protocol a client needs, written apart from the engine's codec on purpose. */
export interface BareHeader {
  msg_id: string;
  msg_type: string;
  session: string;
  username: string;
  date: string;
  version: string;
}

export interface BareMessage {
  header: BareHeader;
  parent_header: Partial<BareHeader>;
  content: Record<string, unknown>;
}

const DELIMITER = Buffer.from('<IDS|MSG>');

export class BareWire {
  private readonly key: Buffer;
  readonly session = randomUUID();

  constructor(key: string) {
    this.key = Buffer.from(key, 'utf8');
  }

  /** The frames of a new request; returns its msg_id with them. */
  request(msgType: string, content: object): { msgId: string; frames: Buffer[] } {
    const header: BareHeader = { msg_id: randomUUID(), msg_type: msgType, session: this.session, username: 'bench', date: new Date().toISOString(), version: '5.3' };
    const parts = [header, {}, {}, content].map((part) => Buffer.from(JSON.stringify(part)));
    return { msgId: header.msg_id, frames: [DELIMITER, Buffer.from(this.sign(parts)), ...parts] };
  }

  /** Verifies the signature and parses header, parent and content; undefined for anything malformed. */
  parse(frames: Buffer[]): BareMessage | undefined {
    const at = frames.findIndex((frame) => frame.equals(DELIMITER));
    if (at < 0 || frames.length < at + 6) return undefined;
    const [signature, header, parent, metadata, content] = frames.slice(at + 1, at + 6) as [Buffer, Buffer, Buffer, Buffer, Buffer];
    const expected = Buffer.from(this.sign([header, parent, metadata, content]));
    if (expected.length !== signature.length || !timingSafeEqual(expected, signature)) return undefined;
    return { header: JSON.parse(header.toString()), parent_header: JSON.parse(parent.toString()), content: JSON.parse(content.toString()) };
  }

  private sign(parts: Buffer[]): string {
    const hmac = createHmac('sha256', this.key);
    for (const part of parts) hmac.update(part);
    return hmac.digest('hex');
  }
}
