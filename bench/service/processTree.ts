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
