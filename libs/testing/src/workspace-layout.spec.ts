import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'dist' || name === 'generated') {
      return [];
    }

    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');

  return [...text.matchAll(/from '([^']+)'|require\('([^']+)'\)/g)].map((m) => m[1] ?? m[2]);
}

const appNames = readdirSync(join(ROOT, 'apps'));

describe('workspace layout', () => {
  it('keeps apps from importing other apps', () => {
    const offending = appNames.flatMap((app) =>
      sourceFiles(join(ROOT, 'apps', app, 'src')).flatMap((file) =>
        importsOf(file)
          .filter(
            (spec) =>
              spec.includes('apps/') || appNames.some((other) => spec === `@confer/${other}`),
          )
          .map((spec) => `${relative(ROOT, file)} imports ${spec}`),
      ),
    );

    expect(offending).toEqual([]);
  });

  it('keeps libraries from importing apps or reaching into other libraries by path', () => {
    const offending = sourceFiles(join(ROOT, 'libs')).flatMap((file) =>
      importsOf(file)
        .filter((spec) => spec.includes('apps/') || /^(\.\.\/){2,}/.test(spec))
        .map((spec) => `${relative(ROOT, file)} imports ${spec}`),
    );

    expect(offending).toEqual([]);
  });
});
