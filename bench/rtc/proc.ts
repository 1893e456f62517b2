/**
 * CPU time and memory of processes and of the whole machine, read from /proc (Linux): the same
 * measurement for Parley (a Node process) and Janus (a C process), from outside both.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

let clockTicks: number | undefined;

/** Clock ticks a second of /proc/<pid>/stat times (USER_HZ, almost always 100). */
export function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** utime + stime of a process, every thread included, in seconds. */
export function processCpuSeconds(pid: number): number {
  return processStat(pid).total;
}

/**
 * utime + stime, every thread included, in seconds; the stime part (kernel); and the minor page
 * faults so far: first touches of memory, each a trap into the kernel (about 10 µs on a 2 × AMD
 * EPYC VM where a system call costs 1 µs), which a process that frees and allocates a lot pays.
 */
export function processStat(pid: number): { total: number; system: number; minorFaults: number } {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name may contain spaces and parentheses: fields start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const user = Number(fields[11]) / ticksPerSecond();
  const system = Number(fields[12]) / ticksPerSecond();
  return { total: user + system, system, minorFaults: Number(fields[7]) };
}

/** Resident memory now and at its peak, in MiB. */
export function processMemoryMb(pid: number): { rss: number; peakRss: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { rss: Math.round(kb('VmRSS') / 1024), peakRss: Math.round(kb('VmHWM') / 1024) };
}

/**
 * CPU seconds of the whole machine, all cores (first line of /proc/stat): busy, total, and the
 * part spent in interrupts and softirqs, which no process is charged for (loopback UDP delivery
 * runs there).
 */
export function machineCpuSeconds(): { busy: number; total: number; interrupts: number } {
  return cpuLineSeconds(fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!);
}

/** The same for some cores only (their `cpuN` lines), e.g. the cores a benchmark's bots are pinned to. */
export function coresCpuSeconds(cores: number[]): { busy: number; total: number; interrupts: number } {
  const lines = fs.readFileSync('/proc/stat', 'utf8').split('\n').filter((line) => cores.some((core) => line.startsWith(`cpu${core} `)));
  return lines.map(cpuLineSeconds).reduce((sum, core) => ({ busy: sum.busy + core.busy, total: sum.total + core.total, interrupts: sum.interrupts + core.interrupts }), { busy: 0, total: 0, interrupts: 0 });
}

function cpuLineSeconds(line: string): { busy: number; total: number; interrupts: number } {
  const values = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = values;
  const total = user + nice + system + idle + iowait + irq + softirq + steal;
  const hz = ticksPerSecond();
  return { busy: (total - idle - iowait) / hz, total: total / hz, interrupts: (irq + softirq) / hz };
}

/** Pins every thread of `pid`, and the threads and children it starts later, to `cpus` (taskset's list syntax, e.g. "0" or "1-3"). */
export function pinToCpus(pid: number, cpus: string): void {
  execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
}
