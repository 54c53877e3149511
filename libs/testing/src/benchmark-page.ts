import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

/** One line naming the machine a benchmark figure was measured on, and when. */
export function machineLine(): string {
  const cpu = cpus()[0]?.model?.trim() ?? 'unknown CPU';
  const memory = Math.round(totalmem() / 1024 ** 3);

  return `${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpu}, ${memory} GiB, Node ${process.version}, everything on one machine`;
}

/**
 * Replaces the section between `<!-- NAME -->` and `<!-- /NAME -->` in the
 * benchmarks page (appending it when absent), so each benchmark rewrites only
 * its own results; a missing page is started.
 */
export function writeSection(file: string, name: string, markdown: string): void {
  const start = `<!-- ${name} -->`;
  const end = `<!-- /${name} -->`;
  const block = `${start}\n${markdown.trim()}\n${end}`;
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const from = current.indexOf(start);
  const to = current.indexOf(end);
  const next =
    from >= 0 && to > from
      ? `${current.slice(0, from)}${block}${current.slice(to + end.length)}`
      : `${current.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, next);
}
