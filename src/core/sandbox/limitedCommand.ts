import type { KernelCgroup } from './kernelCgroup';
import type { KernelLimits } from './kernelLimits';

/**
 * The sandboxed command behind a small shell that first joins the kernel's cgroups (so everything that
 * follows is counted) and sets its rlimits: no core files (they would land in the run directory), and the
 * file size limit. POSIX `ulimit -f` counts 512-byte blocks; CPython ignores SIGXFSZ, so a write past it
 * fails with EFBIG instead of killing the kernel.
 */
export function limitedCommand(command: string[], limits: KernelLimits, cgroup: KernelCgroup | undefined): string[] {
  const fileBlocks = limits.fileSizeBytes > 0 ? String(Math.ceil(limits.fileSizeBytes / 512)) : 'unlimited';
  const script = 'while [ "$1" != -- ]; do echo $$ > "$1" || exit 125; shift; done; shift; ulimit -c 0 && ulimit -f "$0" && exec "$@"';
  return ['/bin/sh', '-c', script, fileBlocks, ...(cgroup?.procsFiles ?? []), '--', ...command];
}
