import * as path from 'node:path';
import type { KernelChoice } from './kernelChoice';

/** What decides which kernel a notebook (or a .py file's interactive window) runs on before anyone picks one. */
export interface NotebookFacts {
  /** The folder of its file, for a file on disk. */
  folder?: string;
  /** The workspace folder holding it: project environments are looked for up to here. */
  workspaceFolder?: string;
  /** The kernelspec name it was saved with. */
  kernelspecName?: string;
  /** That kernelspec's display name: an environment's label when it was saved from one (see savedKernelspecOf). */
  kernelspecDisplayName?: string;
  /** The kernel language it was saved with (undefined: not saved with one). */
  language?: string;
  /** The controller the user picked for it last time. */
  rememberedChoiceId?: string;
}

/** Kernelspec names that only say "some Python": a project environment is a better answer to them. */
const GENERIC_PYTHON_KERNELS = new Set(['python3', 'python']);

/**
 * The kernel to run on, in this order: the user's last pick for this notebook; the environment its saved
 * kernelspec names; for a Python notebook saved with no kernelspec or a generic one, the project's own
 * environment nearest to it (a `.venv` in its folder or one above, up to the workspace folder), else the
 * environment whose label the kernelspec's display name is; the saved kernelspec; `python3`. A server's
 * kernels are only ever picked by the user.
 */
export function preferredChoice(facts: NotebookFacts, choices: readonly KernelChoice[]): KernelChoice | undefined {
  const local = choices.filter((choice) => !choice.server);
  const remembered = facts.rememberedChoiceId && choices.find((choice) => choice.id === facts.rememberedChoiceId);
  if (remembered) return remembered;
  const saved = facts.kernelspecName;
  const namedEnvironment = saved && local.find((choice) => choice.environment && choice.kernelName === saved);
  if (namedEnvironment) return namedEnvironment;
  const isPython = facts.language === undefined || facts.language === 'python';
  if (isPython && (saved === undefined || GENERIC_PYTHON_KERNELS.has(saved))) {
    const project = nearestProjectEnvironment(facts, local);
    if (project) return project;
    const labelled = facts.kernelspecDisplayName && local.find((choice) => choice.environment && choice.label === facts.kernelspecDisplayName);
    if (labelled) return labelled;
  }
  const named = saved && local.find((choice) => !choice.environment && choice.kernelName === saved);
  if (named) return named;
  return isPython ? local.find((choice) => !choice.environment && choice.kernelName === 'python3') : undefined;
}

/** A venv or conda environment whose folder sits in the notebook's folder or one above it, nearest first. */
function nearestProjectEnvironment(facts: NotebookFacts, choices: readonly KernelChoice[]): KernelChoice | undefined {
  if (!facts.folder) return undefined;
  const top = facts.workspaceFolder ?? facts.folder;
  let best: { choice: KernelChoice; depth: number } | undefined;
  for (const choice of choices) {
    const environment = choice.environment;
    if (!environment || (environment.kind !== 'venv' && environment.kind !== 'conda')) continue;
    const owner = path.dirname(environmentFolder(environment.interpreter));
    if (!isAncestorOrSelf(top, owner) || !isAncestorOrSelf(owner, facts.folder)) continue;
    const depth = owner.split(path.sep).length;
    if (!best || depth > best.depth) best = { choice, depth };
  }
  return best?.choice;
}

/** The environment's folder as it was reached (a `.venv` link stays the link), from its interpreter's `bin/python`. */
function environmentFolder(interpreter: string): string {
  const binDir = path.dirname(interpreter);
  return path.basename(binDir) === 'bin' || path.basename(binDir) === 'Scripts' ? path.dirname(binDir) : binDir;
}

function isAncestorOrSelf(ancestor: string, folder: string): boolean {
  const relative = path.relative(ancestor, folder);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/**
 * The kernelspec a notebook run on `choice` is saved with. An environment's is saved as the generic `python3`,
 * which Jupyter and other tools can run, with the environment's label as display name, which brings it back here.
 */
export function savedKernelspecOf(choice: KernelChoice): { name: string; display_name: string; language: string } {
  return choice.environment ? { name: 'python3', display_name: choice.label, language: 'python' } : { name: choice.kernelName, display_name: choice.label, language: choice.language };
}
