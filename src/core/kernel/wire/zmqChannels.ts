import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { KernelMessage } from '@jupyterlab/services';
import * as zmq from 'zeromq';
import type { Disposable } from '../../common/disposable';
import { Emitter, Event } from '../../common/emitter';
import type { Logger } from '../../common/logger';
import { Channel, ConnectionInfo, channelUrl } from '../connectionInfo';
import { WireCodec } from './wireCodec';

type OutboundChannel = Exclude<Channel, 'iopub'>;

/** The longest run of message handling before the receive loop yields to other tasks (ms). */
const RECEIVE_SLICE_MS = 8;

/** The four message channels of one kernel over ZeroMQ: send by `msg.channel`, receive everything on one event. */
export class ZmqChannels implements Disposable {
  private readonly codec: WireCodec;
  private readonly dealers: Record<OutboundChannel, zmq.Dealer>;
  private readonly iopub: zmq.Subscriber;
  /** The send still in flight per channel, if any; later sends queue behind it. */
  private readonly inFlight: Partial<Record<OutboundChannel, Promise<void>>> = {};
  private readonly messages = new Emitter<KernelMessage.IMessage>();
  private disposed = false;
  readonly onMessage: Event<KernelMessage.IMessage> = this.messages.event;

  constructor(info: ConnectionInfo, private readonly logger: Logger) {
    this.codec = new WireCodec(info.key);
    // ipykernel sends input_request to the identity that sent the shell request, so shell and stdin share one.
    const identity = randomUUID();
    // A starting kernel has not bound its sockets yet, and ZeroMQ retries a refused connection every 100 ms by
    // default: half the start of a forked kernel went waiting for that. Retried every 10 ms, backing off to 1 s.
    const retry = { reconnectInterval: 10, reconnectMaxInterval: 1000 };
    this.dealers = {
      shell: new zmq.Dealer({ routingId: identity, linger: 0, ...retry }),
      stdin: new zmq.Dealer({ routingId: identity, linger: 0, ...retry }),
      control: new zmq.Dealer({ linger: 0, ...retry }),
    };
    // An unlimited receive queue: a fast printing cell must not lose output to a high-water mark.
    this.iopub = new zmq.Subscriber({ linger: 0, receiveHighWaterMark: 0, ...retry });
    this.iopub.subscribe();
    this.stdinReady = this.handshakeOf(this.dealers.stdin);
    this.iopub.connect(channelUrl(info, 'iopub'));
    for (const channel of ['shell', 'stdin', 'control'] as const) {
      this.dealers[channel].connect(channelUrl(info, channel));
      this.receive(this.dealers[channel], channel);
    }
    this.receive(this.iopub, 'iopub');
  }

  /**
   * Resolves once the stdin socket has finished its handshake with the kernel. The kernel sends
   * input_request from a ROUTER, which silently drops a message to a peer it has not yet met: a cell that
   * calls input() before then would wait for ever for an answer to a prompt nobody received.
   */
  readonly stdinReady: Promise<void>;

  private handshakeOf(socket: zmq.Dealer): Promise<void> {
    // Subscribed before connect(), so the event cannot pass unseen. The monitor lives as long as the
    // socket: closing it from inside its own event handler left later sockets of the process deaf.
    return new Promise((resolve) => {
      socket.events.on('handshake', () => resolve());
    });
  }

  /** Sends in order per channel; a ZeroMQ socket allows one send in flight at a time. */
  send(msg: KernelMessage.IMessage): Promise<void> {
    if (this.disposed) return Promise.reject(new Error('The kernel connection is closed'));
    const channel = msg.channel as OutboundChannel;
    const socket = this.dealers[channel];
    if (!socket) return Promise.reject(new Error(`Cannot send on channel '${msg.channel}'`));
    const frames = this.codec.encode(msg);
    // Send at once when the channel is free: a request should not wait a microtask hop for nothing.
    const previous = this.inFlight[channel];
    const sent = previous ? previous.catch(() => undefined).then(() => socket.send(frames)) : socket.send(frames);
    this.inFlight[channel] = sent;
    void sent.then(
      () => this.settled(channel, sent),
      () => this.settled(channel, sent),
    );
    return sent;
  }

  private settled(channel: OutboundChannel, sent: Promise<void>): void {
    if (this.inFlight[channel] === sent) delete this.inFlight[channel];
  }

  private receive(socket: zmq.Dealer | zmq.Subscriber, channel: Channel): void {
    // The loop ends when the socket closes; its failure is logged, never left unhandled.
    void (async () => {
      try {
        let sliceStart = performance.now();
        for await (const frames of socket) {
          // A backlog (1,000 widget updates, say) arrives as already-settled promises, handled in one task:
          // the event loop (VS Code's extension host) would stall for all of it. Past a slice, let it breathe.
          if (performance.now() - sliceStart > RECEIVE_SLICE_MS) {
            await new Promise((resolve) => setImmediate(resolve));
            sliceStart = performance.now();
          }
          const msg = this.codec.decode(frames, channel);
          if (!msg) {
            this.logger.warn(`Dropped a ${channel} message with a bad signature or shape`);
            continue;
          }
          try {
            this.messages.fire(msg);
          } catch (error) {
            this.logger.error(`A ${channel} message handler failed: ${String(error)}`);
          }
        }
      } catch (error) {
        if (!this.disposed) this.logger.error(`The ${channel} channel failed: ${String(error)}`);
      }
    })();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.messages.dispose();
    for (const socket of [...Object.values(this.dealers), this.iopub]) socket.close();
  }
}
