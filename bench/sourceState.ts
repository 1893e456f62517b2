/**
 * Which code a benchmark measured, for its results: the commit, and whether the work tree differed
 * from it. Files under bench/results/ do not count: a benchmark run right after another would
 * otherwise report the first one's fresh results as "uncommitted changes" to the code measured.
 */
import { execFileSync } from 'node:child_process';

export interface SourceState {
  commit: string | null;
  dirty: boolean | null;
}

export function sourceState(): SourceState {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const changes = execFileSync('git', ['status', '--porcelain', '--', '.', ':(exclude)bench/results'], { encoding: 'utf8' });
    return { commit, dirty: changes.trim() !== '' };
  } catch {
    return { commit: null, dirty: null };
  }
}
