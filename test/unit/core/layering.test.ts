import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

/**
 * The arrows of ../shared/DESIGN.md's picture: the extension and the runner are faces over the engine, and
 * neither the engine nor one face reaches into another. src/core never imports vscode, src/runner or
 * src/extension; src/runner never imports vscode or src/extension; src/extension never imports src/runner.
 */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sourceFiles(full) : full.endsWith('.ts') ? [full] : [];
  });
}

const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');
const src = path.join(repoRoot, 'src');
type Part = 'core' | 'runner' | 'extension';

/** Every module a file imports, by static import/export, dynamic import() or require(). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const pattern = /(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm;
  return [...text.matchAll(pattern)].map((match) => match[1]!);
}

/** Which part of src/ an import lands in, or 'vscode', or undefined for anything else (Node, npm packages). */
function targetOf(file: string, specifier: string): Part | 'vscode' | undefined {
  if (specifier === 'vscode') return 'vscode';
  if (!specifier.startsWith('.')) return undefined;
  const relative = path.relative(src, path.resolve(path.dirname(file), specifier));
  const top = relative.split(path.sep)[0];
  return top === 'core' || top === 'runner' || top === 'extension' ? top : undefined;
}

const FORBIDDEN: Record<Part, ReadonlyArray<Part | 'vscode'>> = {
  core: ['vscode', 'runner', 'extension'],
  runner: ['vscode', 'extension'],
  extension: ['runner'],
};

function violations(part: Part): string[] {
  const files = sourceFiles(path.join(src, part));
  assert.ok(files.length > 5, `found the sources of src/${part} (${files.length})`);
  return files.flatMap((file) =>
    importsOf(file)
      .filter((specifier) => FORBIDDEN[part].includes(targetOf(file, specifier) as Part))
      .map((specifier) => `${path.relative(repoRoot, file)} imports ${specifier}`),
  );
}

for (const part of ['core', 'runner', 'extension'] as const) {
  test(`src/${part} imports none of ${FORBIDDEN[part].join(', ')}`, () => {
    assert.deepEqual(violations(part), []);
  });
}

test('the import check sees what it must refuse', () => {
  const file = path.join(src, 'extension', 'x.ts');
  assert.equal(targetOf(file, '../runner/cli'), 'runner');
  assert.equal(targetOf(file, '../core/formats/notebookFile'), 'core');
  assert.equal(targetOf(path.join(src, 'core', 'formats', 'x.ts'), '../../extension/extension'), 'extension');
  assert.equal(targetOf(file, 'vscode'), 'vscode');
  assert.equal(targetOf(file, 'node:fs'), undefined);
});
