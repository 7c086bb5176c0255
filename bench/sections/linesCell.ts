/** The large-output cell, and what it must produce, shared by both sides of the comparison. */
export interface LinesMeasurement {
  /** From sending the cell until reply and idle. */
  seconds: number;
  /** Newlines received. */
  lines: number;
  /** The received text equals, byte for byte, what the cell printed. */
  exact: boolean;
  baselineBytes: number;
  peakBytes: number;
}

export function linesCell(lines: number): string {
  return `for i in range(${lines}): print(i)`;
}

export function expectedLines(lines: number): string {
  const parts: string[] = new Array(lines);
  for (let i = 0; i < lines; i++) parts[i] = `${i}\n`;
  return parts.join('');
}
