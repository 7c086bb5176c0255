import { Kernel, KernelConnection, KernelMessage, ServerConnection } from '@jupyterlab/services';
import type { Disposable } from '../../common/disposable';
import type { Logger } from '../../common/logger';
import type { ZmqChannels } from './zmqChannels';

/**
 * Messages pass through as objects: the channels encode each part on the wire themselves,
 * so serializing the whole message to JSON here would only be undone at once.
 */
const passthroughSerializer: ServerConnection.ISettings['serializer'] = {
  serialize: (msg) => msg as unknown as string,
  deserialize: (data) => data as unknown as KernelMessage.IMessage,
};

/**
 * What `KernelConnection` expects of a WebSocket, backed by ZeroMQ channels. It opens at once because the
 * channels are already connected and the kernel has answered (the slow-joiner handshake ran before).
 */
class ZmqWebSocket {
  binaryType = 'arraybuffer';
  readonly protocol = '';
  readyState = 0;
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: unknown) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  private subscription: Disposable | undefined;

  constructor(private readonly channels: ZmqChannels, private readonly logger: Logger) {
    // KernelConnection assigns its handlers right after constructing the socket; open once they are set.
    queueMicrotask(() => {
      if (this.readyState !== 0) return;
      this.readyState = 1;
      this.subscription = channels.onMessage((msg) => this.onmessage?.({ data: msg }));
      this.onopen?.({ type: 'open' });
    });
  }

  send(data: unknown): void {
    const msg = data as KernelMessage.IMessage;
    this.channels.send(msg).catch((error: unknown) => this.logger.warn(`Could not send ${msg.header.msg_type}: ${String(error)}`));
  }

  close(): void {
    this.readyState = 3;
    this.subscription?.dispose();
  }
}

/** Local kernels have no REST API: a fetch from KernelConnection would be a bug, so it fails loudly. */
const noRestApi = (): Promise<Response> => Promise.reject(new Error('A local kernel has no REST API'));

export function createZmqKernelConnection(
  channels: ZmqChannels,
  model: Kernel.IModel,
  logger: Logger,
): Kernel.IKernelConnection {
  const socketClass = class extends ZmqWebSocket {
    constructor() {
      super(channels, logger);
    }
  };
  const serverSettings = ServerConnection.makeSettings({
    baseUrl: 'http://127.0.0.1/',
    wsUrl: 'ws://127.0.0.1/',
    appendToken: false,
    WebSocket: socketClass as unknown as typeof WebSocket,
    serializer: passthroughSerializer,
    fetch: noRestApi as unknown as typeof fetch,
  });
  return new KernelConnection({ model, serverSettings, handleComms: false });
}
