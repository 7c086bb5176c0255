// Bundles the extension, the CLI and the benchmarks for Node, and the error renderer for the browser.
// zeromq is a native addon and stays external; ws's optional native helpers are absent on purpose (ws falls back to JavaScript).
const esbuild = require('esbuild');

const nodeTargets = [
  // The extension: `vscode` is provided by the extension host at run time.
  { entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { entryPoints: ['src/runner/cli.ts'], outfile: 'dist/cli.js' },
  { entryPoints: ['bench/bench.ts'], outfile: 'dist/bench.js' },
  { entryPoints: ['bench/serviceBench.ts'], outfile: 'dist/serviceBench.js' },
  // Drives code-server through Chromium; playwright-core stays a plain require.
  { entryPoints: ['bench/vscodeBench.ts'], outfile: 'dist/vscodeBench.js', external: ['playwright-core'] },
  { entryPoints: ['bench/chartsBench.ts'], outfile: 'dist/chartsBench.js', external: ['playwright-core'] },
  { entryPoints: ['bench/kernelStartBench.ts'], outfile: 'dist/kernelStartBench.js' },
  { entryPoints: ['bench/serviceThroughputBench.ts'], outfile: 'dist/serviceThroughputBench.js' },
];

// The renderers run in the notebook webview: browser ES modules exporting `activate`. The widget renderer's
// CSS (ipywidgets' and Font Awesome's, with its fonts as files beside it) is written to widgets.css, which the
// renderer links itself: nothing is fetched from anywhere else.
const browserTargets = [
  { entryPoints: ['renderers/error/index.ts'], outfile: 'dist/renderers/error.js' },
  {
    entryPoints: ['renderers/widgets/index.ts'],
    outfile: 'dist/renderers/widgets.js',
    loader: { '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.eot': 'file', '.svg': 'file', '.png': 'file', '.gif': 'file' },
    // jQuery and backbone expect a browser global `process` only in code paths we do not reach; keep them quiet.
    define: { 'process.env.NODE_ENV': '"production"' },
    minify: true,
  },
  // Chart renderers, one bundle each: VS Code loads a renderer only when an output of its types is shown.
  { entryPoints: ['renderers/plotly/index.ts'], outfile: 'dist/renderers/plotly.js', minify: true },
  { entryPoints: ['renderers/vega/index.ts'], outfile: 'dist/renderers/vega.js', minify: true },
  // Leaflet's stylesheet goes in as text (tileMap.ts injects it); its images are for markers and controls not used.
  { entryPoints: ['renderers/geojson/index.ts'], outfile: 'dist/renderers/geojson.js', minify: true, loader: { '.css': 'text' } },
  { entryPoints: ['renderers/table/index.ts'], outfile: 'dist/renderers/table.js', minify: true },
];
const browserCommon = { bundle: true, platform: 'browser', format: 'esm', target: 'es2022', sourcemap: true, logLevel: 'warning' };

async function main() {
  const watch = process.argv.includes('--watch');
  const common = {
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: true,
    external: ['zeromq', 'bufferutil', 'utf-8-validate'],
    logLevel: 'warning',
  };
  const fs = require('node:fs');
  const builds = nodeTargets
    .filter((t) => t.entryPoints.every((e) => fs.existsSync(e)))
    .map((t) => ({ ...common, ...t, external: [...common.external, ...(t.external ?? [])] }));
  // Asset files carry content hashes in their names: old ones would linger and be packaged.
  fs.rmSync('dist/renderers', { recursive: true, force: true });
  const rendererBuilds = browserTargets.map((t) => ({ ...browserCommon, ...t }));
  const all = [...builds, ...rendererBuilds];
  if (watch) {
    for (const options of all) await (await esbuild.context(options)).watch();
  } else {
    await Promise.all(all.map((options) => esbuild.build(options)));
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
