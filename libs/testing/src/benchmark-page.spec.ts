import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { machineLine, writeSection } from './benchmark-page';

describe(writeSection.name, () => {
  it('replaces only its own section and appends when missing', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'bench-')), 'benchmarks.md');
    writeFileSync(file, '# Benchmarks\n\nIntro.\n\n<!-- a -->\nold a\n<!-- /a -->\n\nOutro.\n');

    writeSection(file, 'a', 'new a');
    writeSection(file, 'b', 'new b');

    const text = readFileSync(file, 'utf8');
    expect(text).toContain('Intro.\n\n<!-- a -->\nnew a\n<!-- /a -->\n\nOutro.');
    expect(text).not.toContain('old a');
    expect(text.trimEnd().endsWith('<!-- b -->\nnew b\n<!-- /b -->')).toBe(true);
  });

  it('starts the page when there is none', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'bench-')), 'benchmarks.md');

    writeSection(file, 'a', '\nnew a\n\n');

    expect(readFileSync(file, 'utf8')).toBe('# Benchmarks\n\n<!-- a -->\nnew a\n<!-- /a -->\n');
  });
});

describe(machineLine.name, () => {
  it('names the date, the processors, the memory and the Node version', () => {
    expect(machineLine()).toMatch(
      /^\d{4}-\d{2}-\d{2}, \d+ × .+, \d+ GiB, Node v\d+\.\d+\.\d+, everything on one machine$/,
    );
  });
});
