/**
 * Silences console.log and console.debug, through which @jupyterlab/services logs every connection it makes,
 * and returns a writer for the benchmark's own report lines on stdout.
 */
export function quietConsole(): (line: string) => void {
  const report = console.log.bind(console);
  console.log = console.debug = () => undefined;
  return report;
}
