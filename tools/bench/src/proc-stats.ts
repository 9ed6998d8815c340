import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

// Linux only: the server's CPU and memory are read from /proc, so they cover every thread
// of the process (libuv pool, GC helpers) and cost the server nothing to report.

let clockTicks: number | undefined;

/** Kernel clock ticks per second (USER_HZ), the unit of utime/stime in /proc. */
export function clockTicksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100; // USER_HZ is 100 on every mainstream Linux build
    }
  }
  return clockTicks;
}

/** CPU time (user + system) a process has used so far, in microseconds. */
export function processCpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) is in parentheses and may contain spaces: split after it.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state), so utime (field 14) is fields[11] and stime fields[12].
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks / clockTicksPerSecond()) * 1e6;
}

/** Resident set size and its peak (VmHWM), in bytes. */
export function processMemory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return { rss: statusKiB(status, 'VmRSS') * 1024, peak: statusKiB(status, 'VmHWM') * 1024 };
}

/**
 * `pid` and all its live descendants but tsx's esbuild service. A server may be several
 * processes (the gateway's node:cluster workers): its cost is the whole tree's.
 */
export function processTree(pid: number): number[] {
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) {
    const parent = tree[i]!;
    let tasks: string[] = [];
    try {
      tasks = readdirSync(`/proc/${parent}/task`);
    } catch {
      continue; // exited meanwhile
    }
    for (const task of tasks) {
      try {
        const children = readFileSync(`/proc/${parent}/task/${task}/children`, 'utf8').trim();
        if (children)
          tree.push(
            ...children
              .split(' ')
              .map(Number)
              .filter((child) => !isEsbuild(child)),
          );
      } catch {
        // the thread ended meanwhile
      }
    }
  }
  return tree;
}

/** tsx's esbuild service: a child of every process run with `--import tsx`, not part of the server. */
function isEsbuild(pid: number): boolean {
  return tryRead(() => readFileSync(`/proc/${pid}/comm`, 'utf8').trim()) === 'esbuild';
}

/** CPU time of a process tree (see processTree), microseconds. */
export function treeCpuMicros(pid: number): number {
  return processTree(pid).reduce((total, p) => total + (tryRead(() => processCpuMicros(p)) ?? 0), 0);
}

/** Summed RSS of a process tree, bytes (pages shared between its processes count once per process). */
export function treeRss(pid: number): number {
  return processTree(pid).reduce((total, p) => total + (tryRead(() => processMemory(p).rss) ?? 0), 0);
}

function tryRead<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined; // a process of the tree exited between listing and reading
  }
}

/**
 * Machine-wide CPU counters since boot, microseconds: busy (all but idle and iowait), the
 * kernel's interrupt work (loopback TCP runs largely in softirq) and steal (a hypervisor
 * running someone else on our cores).
 */
export function machineCpuMicros(): { busy: number; interrupts: number; steal: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
  // cpu user nice system idle iowait irq softirq steal (guest time is already inside user)
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = line
    .trim()
    .split(/\s+/)
    .slice(1, 9)
    .map(Number);
  const scale = 1e6 / clockTicksPerSecond();
  return {
    busy: (user + nice + system + irq + softirq + steal) * scale,
    interrupts: (irq + softirq) * scale,
    steal: steal * scale,
  };
}

function statusKiB(status: string, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  if (!match) throw new Error(`/proc status has no ${field} line`);
  return Number(match[1]);
}
