// Regenerates the TypeScript for libs/proto from its .proto files with buf and
// ts-proto. With --check, generates into a scratch folder and fails when the
// committed code differs, so stale contracts never reach a build.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const protoDir = new URL('../libs/proto/', import.meta.url).pathname;
const generatedDir = join(protoDir, 'src/generated');
const buf = new URL('../node_modules/.bin/buf', import.meta.url).pathname;
const check = process.argv.includes('--check');

function listFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);

    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

function generate(outDir) {
  execFileSync(buf, ['lint'], { cwd: protoDir, stdio: 'inherit' });
  execFileSync(buf, ['generate', '--clean', '--output', outDir], { cwd: protoDir, stdio: 'inherit' });
}

if (!check) {
  generate(protoDir);
  process.exit(0);
}

const scratch = mkdtempSync(join(tmpdir(), 'confer-proto-'));
try {
  generate(scratch);
  const fresh = join(scratch, 'src/generated');
  const freshFiles = listFiles(fresh).map((f) => relative(fresh, f)).sort();
  const committedFiles = listFiles(generatedDir).map((f) => relative(generatedDir, f)).sort();
  const stale = [...new Set([...freshFiles, ...committedFiles])].filter((file) => {
    try {
      return readFileSync(join(fresh, file), 'utf8') !== readFileSync(join(generatedDir, file), 'utf8');
    } catch {
      return true;
    }
  });
  if (stale.length > 0) {
    process.stderr.write(`Generated gRPC code is stale; run \`npm run proto\`:\n  ${stale.join('\n  ')}\n`);
    process.exit(1);
  }
  process.stdout.write('Generated gRPC code is up to date.\n');
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
