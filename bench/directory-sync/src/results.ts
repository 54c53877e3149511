import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/**
 * Replaces the section between `<!-- NAME -->` and `<!-- /NAME -->` in the
 * benchmarks page (appending it when absent), so each benchmark rewrites only
 * its own results.
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
