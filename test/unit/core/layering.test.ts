import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sourceFiles(full) : full.endsWith('.ts') ? [full] : [];
  });
}

const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');

test('the engine (src/core) and the runner never import vscode, so the CLI and service run without VS Code', () => {
  const files = [...sourceFiles(path.join(repoRoot, 'src', 'core')), ...sourceFiles(path.join(repoRoot, 'src', 'runner'))];
  assert.ok(files.length > 30, `found the engine's sources (${files.length})`);
  const offenders = files.filter((file) =>
    /from\s+['"]vscode['"]|require\(['"]vscode['"]\)/.test(readFileSync(file, 'utf8')),
  );
  assert.deepEqual(offenders, []);
});
