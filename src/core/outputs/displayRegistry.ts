import type { MimeBundle, OutputMetadata } from './nbformat';

/** One rich output, shown in some cell, that `update_display_data` can replace. */
export interface DisplayTarget {
  replaceDisplay(data: MimeBundle, metadata: OutputMetadata): void;
}

/**
 * Display id → the outputs currently showing it, across every cell of one document.
 * `update_display_data` may come from any cell (`display(…, display_id=…)` in one cell,
 * `handle.update(…)` in a later one), and one id may be shown several times; every copy updates.
 */
export class DisplayRegistry {
  private readonly targetsById = new Map<string, Set<DisplayTarget>>();

  register(displayId: string, target: DisplayTarget): void {
    let targets = this.targetsById.get(displayId);
    if (!targets) {
      targets = new Set();
      this.targetsById.set(displayId, targets);
    }
    targets.add(target);
  }

  unregister(displayId: string, target: DisplayTarget): void {
    const targets = this.targetsById.get(displayId);
    if (!targets) return;
    targets.delete(target);
    if (targets.size === 0) this.targetsById.delete(displayId);
  }

  /** Replaces every output showing `displayId`; returns how many there were (0 for an unknown id, which is ignored). */
  update(displayId: string, data: MimeBundle, metadata: OutputMetadata): number {
    const targets = this.targetsById.get(displayId);
    if (!targets) return 0;
    let updated = 0;
    // Copy: a change listener may clear a cell, and so unregister targets, while we iterate.
    for (const target of [...targets]) {
      if (!targets.has(target)) continue;
      target.replaceDisplay(data, metadata);
      updated++;
    }
    return updated;
  }

  /** How many outputs show `displayId` now. */
  countOf(displayId: string): number {
    return this.targetsById.get(displayId)?.size ?? 0;
  }
}
