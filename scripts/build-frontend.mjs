// Builds the browser bundle: static/src/main.js (+ the CSS it imports) -> static/dist/app.js,
// static/dist/app.css and the chat page's lazy chunk. `npm run build`; `--watch` rebuilds on save.
import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import * as esbuild from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const outdir = path.join(root, "static", "dist");
const watch = process.argv.includes("--watch");

// highlight.js ships its themes unscoped; the light one applies by default and the dark one under
// the same conditions as app.css's dark palette (chosen, or "system" on a dark device).
const highlightThemes = {
  name: "hljs-themes",
  setup(build) {
    build.onResolve({ filter: /^hljs-themes\.css$/ }, () => ({ path: "hljs-themes.css", namespace: "hljs-themes" }));
    build.onLoad({ filter: /.*/, namespace: "hljs-themes" }, async () => {
      const styles = path.join(root, "node_modules", "highlight.js", "styles");
      const light = await readFile(path.join(styles, "github.css"), "utf8");
      const dark = await readFile(path.join(styles, "github-dark.css"), "utf8");
      return {
        loader: "css",
        resolveDir: styles,
        contents: [
          light,
          `:root[data-theme="dark"] {\n${dark}\n}`,
          `@media (prefers-color-scheme: dark) {\n:root:not([data-theme="light"]) {\n${dark}\n}\n}`,
        ].join("\n"),
      };
    });
  },
};

const options = {
  absWorkingDir: root,
  entryPoints: { app: "static/src/main.js" },
  outdir,
  bundle: true,
  format: "esm",
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  minify: !watch,
  sourcemap: true,
  legalComments: "linked",
  // Browsers of the last few years; CSS nesting (used for the themes above) is lowered for them.
  target: ["es2020", "chrome109", "edge109", "firefox115", "safari15.4"],
  loader: { ".svg": "dataurl" },
  metafile: true,
  logLevel: "warning",
  plugins: [highlightThemes],
};

function report(metafile) {
  const rows = Object.entries(metafile.outputs)
    .filter(([file]) => !file.endsWith(".map") && !file.endsWith(".txt"))
    .map(([file, output]) => [path.relative(root, path.join(root, file)), output.bytes]);
  return Promise.all(
    rows.map(async ([file, bytes]) => {
      const gzipped = gzipSync(await readFile(path.join(root, file))).length;
      console.log(`${file.padEnd(44)} ${(bytes / 1024).toFixed(1).padStart(7)} kB  (gzip ${(gzipped / 1024).toFixed(1)} kB)`);
    }),
  );
}

await rm(outdir, { recursive: true, force: true });
if (watch) {
  const context = await esbuild.context({
    ...options,
    plugins: [...options.plugins, { name: "log", setup: (build) => build.onEnd(() => console.log("rebuilt")) }],
  });
  await context.watch();
  console.log("watching static/src and static/css ...");
} else {
  const result = await esbuild.build(options);
  await report(result.metafile);
}
