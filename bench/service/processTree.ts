import { readdirSync, readFileSync } from 'node:fs';

/** Reading the process table from /proc (Linux): a process's descendants and resident memory. */

interface ProcStat {
  pid: number;
  ppid: number;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    // "pid (comm) state ppid …": the comm may hold spaces and parentheses; the fields follow its last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { pid, ppid: Number(fields[1]) };
  } catch {
    return undefined; // gone since the directory was listed
  }
}

/** Every living descendant of `root` (children, their children, …), found through the parent links. */
export function descendantsOf(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (!stat) continue;
    const siblings = children.get(stat.ppid);
    if (siblings) siblings.push(stat.pid);
    else children.set(stat.ppid, [stat.pid]);
  }
  const found: number[] = [];
  const stack = [...(children.get(root) ?? [])];
  while (stack.length) {
    const pid = stack.pop()!;
    found.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return found;
}

/** VmRSS of a process in bytes, or undefined once it is gone (a zombie has none). */
export function residentBytes(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** /proc's clock ticks per second (USER_HZ): 100 on every Linux architecture Node runs on. */
const TICKS_PER_SECOND = 100;

/**
 * CPU time, user and system, in milliseconds (10 ms steps), used so far by `root` and its living descendants,
 * with what their children that already ended used (cutime, cstime, once reaped). Unlike wall time, it
 * hardly changes with the load of other processes on the machine.
 */
export function cpuMsOfTree(root: number): number {
  let ticks = 0;
  for (const pid of [root, ...descendantsOf(root)]) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Fields 14–17 of "pid (comm) state ppid …": utime, stime, cutime, cstime; counted from after the comm.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    } catch {
      // Gone since the walk.
    }
  }
  return (ticks * 1000) / TICKS_PER_SECOND;
}
