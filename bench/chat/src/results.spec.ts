import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { writeSection } from './results';

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
});
