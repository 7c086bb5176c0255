import { randomBytes, randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { connectionDirPrefix, removeStaleConnectionDirs } from './staleConnectionDirs';
import { removeTree } from '../common/removeTree';

/** The contents of a kernel connection file (https://jupyter-client.readthedocs.io/en/stable/kernels.html#connection-files). */
/**
 * How a kernel's sockets are reached: `tcp`, on loopback ports; `ipc`, as Unix sockets `<ip>-<port>` in a
 * directory (any user who can reach a port can knock on a tcp kernel; an ipc kernel's sockets are files in a
 * directory only its owner can enter, and no port can be taken by another process while it starts).
 */
export type Transport = 'tcp' | 'ipc';

export interface ConnectionInfo {
  transport: Transport;
  ip: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
  key: string;
  signature_scheme: 'hmac-sha256';
  kernel_name: string;
}

export type Channel = 'shell' | 'iopub' | 'stdin' | 'control';

/** The ZeroMQ endpoint of a channel, as jupyter_client writes it: `tcp://ip:port`, `ipc://ip-port`. */
export function channelUrl(info: ConnectionInfo, channel: Channel | 'hb'): string {
  const port = info[`${channel}_port`];
  return info.transport === 'ipc' ? `ipc://${info.ip}-${port}` : `tcp://${info.ip}:${port}`;
}

/** Unix sockets in `dir` (which must be the kernel's own, closed to others) instead of ports. */
export function ipcConnectionInfo(kernelName: string, dir: string): ConnectionInfo {
  return {
    transport: 'ipc',
    ip: path.join(dir, 'kernel'),
    shell_port: 1,
    iopub_port: 2,
    stdin_port: 3,
    control_port: 4,
    hb_port: 5,
    key: randomUUID(),
    signature_scheme: 'hmac-sha256',
    kernel_name: kernelName,
  };
}

/**
 * Ports handed to a kernel of this process that it may not have bound yet. The OS sees them as free, so a
 * kernel starting at the same time could be handed one of them too: one of the two would then fail to bind
 * it, or our client would reach the wrong kernel. They are not handed out again until the kernel is long up.
 */
const recentlyHandedOut = new Set<number>();
const HANDED_OUT_FOR_MS = 60_000;
/** Enough to get past any run of recently handed-out ports the OS may offer. */
const MAX_PROBES = 50;

/**
 * Picks five free loopback ports. All the listeners are held open together so the OS cannot hand out the
 * same port twice; the kernel binds them right after (the same small race jupyter_client accepts, narrowed
 * by never handing out a port of this process's recent kernels again while they start).
 */
export async function allocateConnectionInfo(kernelName: string): Promise<ConnectionInfo> {
  const servers: net.Server[] = [];
  try {
    const ports: number[] = [];
    while (ports.length < 5) {
      if (servers.length >= MAX_PROBES) throw new Error(`could not find 5 free loopback ports in ${MAX_PROBES} tries`);
      // A client of another kernel can reach a probe while it listens on that kernel's port: hang up at once.
      const server = net.createServer((socket) => socket.destroy());
      servers.push(server);
      const port = await listenOnFreePort(server);
      if (!recentlyHandedOut.has(port)) ports.push(port);
    }
    for (const port of ports) {
      recentlyHandedOut.add(port);
      setTimeout(() => recentlyHandedOut.delete(port), HANDED_OUT_FOR_MS).unref();
    }
    const [shell, iopub, stdin, control, hb] = ports as [number, number, number, number, number];
    return {
      transport: 'tcp',
      ip: '127.0.0.1',
      shell_port: shell,
      iopub_port: iopub,
      stdin_port: stdin,
      control_port: control,
      hb_port: hb,
      key: randomUUID(),
      signature_scheme: 'hmac-sha256',
      kernel_name: kernelName,
    };
  } finally {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  }
}

function listenOnFreePort(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address && typeof address === 'object') resolve(address.port);
      else reject(new Error('could not read the port of a loopback listener'));
    });
  });
}

/**
 * A connection file in a private temp directory (mode 0700, as mkdtemp makes it), removed with the directory;
 * an ipc kernel's sockets live there too.
 */
export class ConnectionFile {
  /** Once per process: the first kernel start clears what killed processes left (see staleConnectionDirs). */
  private static staleDirsRemoved: Promise<unknown> | undefined;

  private constructor(readonly dir: string, readonly path: string, readonly info: ConnectionInfo) {}

  /**
   * Writes the info that `infoFor` makes for the directory (an ipc kernel's sockets are named after it).
   * `kernelDir`: where the kernel sees this directory (a sandbox mounts it elsewhere); the file then names the
   * ipc sockets by that path, and `info` keeps the host's.
   */
  static async write(infoFor: ConnectionInfo | ((dir: string) => ConnectionInfo), options: { kernelDir?: string } = {}): Promise<ConnectionFile> {
    ConnectionFile.staleDirsRemoved ??= removeStaleConnectionDirs().catch(() => undefined);
    await ConnectionFile.staleDirsRemoved;
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), connectionDirPrefix()));
    const info = typeof infoFor === 'function' ? infoFor(dir) : infoFor;
    const { kernelDir } = options;
    const written = kernelDir && info.transport === 'ipc' ? { ...info, ip: path.join(kernelDir, path.relative(dir, info.ip)) } : info;
    const file = path.join(dir, `kernel-${randomBytes(6).toString('hex')}.json`);
    // The key signs every message; only this user may read it.
    await fs.writeFile(file, JSON.stringify(written, null, 1), { mode: 0o600 });
    return new ConnectionFile(dir, file, info);
  }

  async remove(): Promise<void> {
    await removeTree(this.dir);
  }
}
