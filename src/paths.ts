// Where the project's own files (migrations, static assets) are, whether running from src/ under
// tsx, from dist/ as a bundle, or under Deno: walk up from this module to package.json.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let root: string | undefined;

export function projectRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`package.json not found above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
  return (root = dir);
}

export function projectPath(...parts: string[]): string {
  return join(projectRoot(), ...parts);
}
