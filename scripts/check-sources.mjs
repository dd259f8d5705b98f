// Syntax-checks every front-end source module with `node --check` (npm run check).
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const sources = path.join(root, "static", "src");
const files = readdirSync(sources, { recursive: true })
  .filter((name) => name.endsWith(".js"))
  .map((name) => path.join(sources, name));
let failed = 0;
for (const file of files) {
  const result = spawnSync(process.execPath, ["--check", file], { encoding: "utf8" });
  if (result.status !== 0) {
    failed += 1;
    process.stderr.write(result.stderr);
  }
}
console.log(`node --check: ${files.length} modules, ${failed} with syntax errors`);
process.exit(failed ? 1 : 0);
