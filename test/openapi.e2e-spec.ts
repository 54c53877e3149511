import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { useStack } from './support';

const ROOT = join(__dirname, '..');

interface OpenApiDocument {
  paths: Record<string, Record<string, { responses?: Record<string, { description?: string }> }>>;
}

function productSources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (['node_modules', 'dist', 'generated', 'test', 'test-support'].includes(name)) {
      return [];
    }
    if (statSync(path).isDirectory()) {
      return productSources(path);
    }

    // HTTP controllers and the error-list decorator only document codes; they never raise them.
    const documentsOnly = /\.http\.controller\.ts$|\/api-errors\.ts$/.test(path);

    return path.endsWith('.ts') && !/\.(spec|integration-spec)\.ts$/.test(path) && !documentsOnly
      ? [path]
      : [];
  });
}

/** Every dotted code that product code can put in an error: quoted literals like 'message.too_large'. */
function codesInProductCode(): Set<string> {
  const codes = new Set<string>();
  for (const file of [
    ...productSources(join(ROOT, 'apps')),
    ...productSources(join(ROOT, 'libs')),
  ]) {
    for (const match of readFileSync(file, 'utf8').matchAll(
      /'([a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+)'/g,
    )) {
      codes.add(match[1]);
    }
  }

  return codes;
}

describe('the OpenAPI document', () => {
  const stack = useStack();

  it('documents only error codes the services can really answer', async () => {
    const document = (await (
      await fetch(`${stack().gatewayUrl}/api/v1/openapi.json`)
    ).json()) as OpenApiDocument;
    const documented = new Map<string, string[]>();
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        for (const response of Object.values(operation.responses ?? {})) {
          const list = /Error codes: (.*)$/.exec(response.description ?? '')?.[1] ?? '';
          for (const entry of list.split(', ')) {
            const code = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+/.exec(entry.trim())?.[0];
            if (code) {
              documented.set(code, [
                ...(documented.get(code) ?? []),
                `${method.toUpperCase()} ${path}`,
              ]);
            }
          }
        }
      }
    }
    const real = codesInProductCode();

    const invented = [...documented.keys()].filter((code) => !real.has(code));

    expect(documented.size).toBeGreaterThan(10);
    expect(invented.map((code) => `${code} (${documented.get(code)![0]})`)).toEqual([]);
  });
});
