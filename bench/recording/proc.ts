/**
 * CPU time of a process and of everything it started, from /proc (Linux): the server's own time,
 * the time of its children it has reaped (ffmpeg conversions that ended), and the time of its
 * descendants still running (the mix encoder and decoders).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

const TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

function stat(pid: number): string[] | undefined {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces and parentheses: fields start after the last ')'.
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

function children(pid: number): number[] {
  const found: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (/^\d+$/.test(entry) && Number(stat(Number(entry))?.[1]) === pid) found.push(Number(entry));
  }
  return found;
}

/** CPU seconds of `pid` alone (`own`) and of its descendants, reaped or running (`children`). */
export function treeCpu(pid: number): { own: number; children: number } {
  const fields = stat(pid);
  if (!fields) return { own: 0, children: 0 };
  // utime, stime, cutime, cstime are fields 14-17 of /proc/<pid>/stat (11-14 after the name).
  const seconds = (i: number) => Number(fields[i]) / TICKS;
  const running = children(pid).reduce((sum, child) => {
    const tree = treeCpu(child);
    return sum + tree.own + tree.children;
  }, 0);
  return { own: seconds(11) + seconds(12), children: seconds(13) + seconds(14) + running };
}
