/** A stylesheet imported as its text (esbuild's `text` loader for `.css`), to be injected with injectStylesOnce. */
declare module '*.css' {
  const text: string;
  export default text;
}
