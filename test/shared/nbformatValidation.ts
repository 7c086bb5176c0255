import { execFileSync } from 'node:child_process';

/**
 * Validates a saved notebook with nbformat's own validator (Debian's python3-nbformat, installed by set-up):
 * the schema Jupyter holds .ipynb files to. Throws with nbformat's message when the file does not conform.
 */
export function assertValidNbformat(file: string): void {
  const script = [
    'import sys, nbformat',
    'nb = nbformat.reads(open(sys.argv[1], encoding="utf-8").read(), as_version=nbformat.NO_CONVERT)',
    'nbformat.validate(nb)',
  ].join('\n');
  try {
    execFileSync('/usr/bin/python3', ['-c', script, file], { stdio: 'pipe', encoding: 'utf8' });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? String(error);
    throw new Error(`${file} is not valid nbformat:\n${stderr.trim().split('\n').slice(-8).join('\n')}`);
  }
}
