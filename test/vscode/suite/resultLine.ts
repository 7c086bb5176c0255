/** Marks the lines the in-host suite prints for the Node side (the log channel also carries the workbench's own). */
export const RESULT_PREFIX = 'CELLBRIDGE-TEST ';
