import { existsSync } from 'node:fs';
import * as path from 'node:path';

/**
 * The checkout's root, found by walking up from this file: it works from `out/` (tests compiled by tsc) and
 * from `dist/` (benchmarks bundled by esbuild), where fixed `..` counts would not.
 */
export function repoRoot(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'tsconfig.test.json'))) return dir;
  }
  throw new Error(`repository root not found above ${__dirname}`);
}
