import { execFile } from 'node:child_process';
import { BWRAP } from './bubblewrap';

/** Whether this host can make the sandbox, and if not, why and what would fix it. */
export type SandboxSupport = { kind: 'available'; version: string } | { kind: 'unavailable'; reason: string; fix: string };

let probed: Promise<SandboxSupport> | undefined;

/**
 * Tries the sandbox once per process: bwrap runs `true` in new user, mount, PID and network namespaces. A host
 * without bubblewrap, or one that forbids unprivileged user namespaces (a sysctl, or a container's seccomp
 * profile), fails here with bwrap's own words, before any kernel is started into the same failure.
 */
export function probeSandbox(): Promise<SandboxSupport> {
  probed ??= new Promise((resolve) => {
    execFile(BWRAP, ['--unshare-all', '--unshare-user', '--die-with-parent', '--ro-bind', '/', '/', '--proc', '/proc', '--dev', '/dev', 'true'], { timeout: 10_000 }, (error, _stdout, stderr) => {
      if (!error) return resolve(versionOf());
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        return resolve({ kind: 'unavailable', reason: 'bubblewrap (bwrap) is not installed', fix: 'install it: apt-get install bubblewrap (Debian, Ubuntu), dnf install bubblewrap (Fedora)' });
      }
      resolve({
        kind: 'unavailable',
        reason: `bwrap cannot make the sandbox here: ${stderr.trim() || error.message}`,
        fix: 'allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1; in a container, a seccomp profile that permits clone with CLONE_NEWUSER), or run as root',
      });
    });
  });
  return probed;
}

function versionOf(): Promise<SandboxSupport> {
  return new Promise((resolve) => {
    execFile(BWRAP, ['--version'], { timeout: 5000 }, (error, stdout) => resolve({ kind: 'available', version: error ? 'bubblewrap' : stdout.trim() }));
  });
}
