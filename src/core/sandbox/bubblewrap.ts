import type { HiddenPaths } from './hiddenPaths';

/**
 * The bubblewrap (`bwrap`, Debian's `bubblewrap`) command line that runs one kernel in a sandbox of its own:
 * - own user (an unprivileged uid, no capabilities), mount, PID, IPC, UTS, cgroup and network namespaces:
 *   no network but its own loopback, no view of other processes, and everything in it dies with bwrap or
 *   with bwrap's parent (the service);
 * - the system read-only; a private empty `/tmp`, `/dev/shm`, `/run`, no home directories (the service's
 *   secrets live there) and no view of the host's cgroups; the run directory the only writable place, and the kernel's connection directory
 *   (its ipc sockets) the only other thing it sees of the host's temp files;
 * - a clean environment: exactly `env`, nothing inherited.
 */
export interface SandboxPlan {
  /** The run directory: the kernel's working directory and its only writable place. */
  readonly workDir: string;
  /**
   * The kernel's connection directory: its connection file and ipc sockets (readable and writable), seen
   * inside as SANDBOX_CONNECTION_DIR.
   */
  readonly connectionDir: string;
  /** The kernel's HOME: a fresh tmpfs of its own, at the host path its environment names (see sandboxHome.ts). */
  readonly home: string;
  /** The kernel's whole environment. */
  readonly env: Readonly<Record<string, string>>;
  /**
   * Folders under the hidden home directories that the kernel needs, shown read-only: its interpreter's
   * environment (a pyenv version, a venv in a home directory).
   */
  readonly readOnly: readonly string[];
  /** Host files shown read-only at a path of the sandbox's (a shared cache; see fontCache.ts). */
  readonly readOnlyFiles: readonly ReadOnlyFile[];
  /** Host paths covered up (see hiddenPaths.ts): folders by an empty tmpfs, files by /dev/null, unopenable there. */
  readonly hidden: HiddenPaths;
}

export interface ReadOnlyFile {
  /** On the host. */
  source: string;
  /** Inside the sandbox. */
  target: string;
}

/** The uid and gid the kernel runs as inside its user namespace: Debian's `nobody`/`nogroup`. */
export const SANDBOX_UID = 65534;

export const BWRAP = 'bwrap';

/**
 * Where a sandboxed kernel sees its connection directory: a short path, because xeus 2 aborts on ipc socket
 * paths longer than about 20 characters, which any temp directory of the host's is. In the sandbox's own
 * /run (a tmpfs), as the root is read-only.
 */
export const SANDBOX_CONNECTION_DIR = '/run/k';

/** bwrap's arguments before `--` and the kernel's own command. */
export function bubblewrapArgs(plan: SandboxPlan): string[] {
  const args = [
    '--unshare-all',
    '--unshare-user',
    '--uid',
    String(SANDBOX_UID),
    '--gid',
    String(SANDBOX_UID),
    '--hostname',
    'sandbox',
    // Kills the sandbox when bwrap or its parent (the service) dies, however it dies.
    '--die-with-parent',
    // No nested user namespaces: they are the usual first step of a kernel exploit.
    '--disable-userns',
    '--ro-bind',
    '/',
    '/',
    '--dev',
    '/dev',
    '--proc',
    '/proc',
    '--tmpfs',
    '/tmp',
    '--tmpfs',
    '/dev/shm',
    '--tmpfs',
    '/run',
    '--tmpfs',
    '/home',
    '--tmpfs',
    '/root',
    // The host's cgroups would show every other kernel's processes (host pids) and memory use.
    '--tmpfs',
    '/sys/fs/cgroup',
  ];
  // Covered before the binds below, which may lie inside a hidden folder (the run folder in its temp dir).
  for (const folder of plan.hidden.folders) args.push('--tmpfs', folder);
  for (const file of plan.hidden.files) args.push('--ro-bind', '/dev/null', file);
  args.push('--tmpfs', plan.home);
  for (const folder of plan.readOnly) args.push('--ro-bind', folder, folder);
  for (const file of plan.readOnlyFiles) args.push('--ro-bind', file.source, file.target);
  args.push(
    '--bind',
    plan.connectionDir,
    SANDBOX_CONNECTION_DIR,
    '--bind',
    plan.workDir,
    plan.workDir,
    '--chdir',
    plan.workDir,
    '--clearenv',
  );
  for (const [name, value] of Object.entries(plan.env)) args.push('--setenv', name, value);
  return args;
}
