/**
 * What one sandboxed kernel may use, counted for its whole process tree (detached children included) where
 * a cgroup counts it. 0 means no limit of that kind.
 */
export interface KernelLimits {
  /** Processes and threads at once: a fork bomb stops here (pids cgroup). */
  processes: number;
  /** Bytes of memory, tmpfs and /dev/shm pages included (memory cgroup; else resident memory, sampled). */
  memoryBytes: number;
  /** CPUs' worth of time it may use at once (cpu cgroup quota), so one kernel cannot starve the others. */
  cpus: number;
  /** The largest file it may write (RLIMIT_FSIZE): a runaway writer gets EFBIG, not the host's disk. */
  fileSizeBytes: number;
}

/** How many processes (threads included) one sandboxed kernel may have at once. */
export const KERNEL_PROCESS_LIMIT = 512;

/** What a sandboxed kernel gets when nobody says otherwise (`run --sandbox`): processes capped, the rest as the host has it. */
export const DEFAULT_KERNEL_LIMITS: KernelLimits = { processes: KERNEL_PROCESS_LIMIT, memoryBytes: 0, cpus: 0, fileSizeBytes: 0 };

export const MIB = 1024 * 1024;

/**
 * What `cellbridge serve` gives each kernel unless told otherwise: enough for the scientific stack and a
 * sizeable DataFrame, one CPU's worth of time at once (so concurrent runs share the cores fairly), and no
 * file over 1 GiB in the run directory.
 */
export const SERVICE_KERNEL_LIMITS: KernelLimits = { processes: KERNEL_PROCESS_LIMIT, memoryBytes: 4096 * MIB, cpus: 1, fileSizeBytes: 1024 * MIB };
