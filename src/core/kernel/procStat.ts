import { readFileSync } from 'node:fs';

/** The fields of /proc/PID/stat this code reads. */
export interface ProcStat {
  /** R, S, D, Z (zombie), T… */
  state: string;
  ppid: number;
  pgrp: number;
}

/** A process's state, parent and group from /proc; undefined once it is gone. */
export function readProcStat(pid: number | string): ProcStat | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses; the rest follows the last ')'.
  const [state = '', ppid, pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { state, ppid: Number(ppid), pgrp: Number(pgrp) };
}
