// Redis glob patterns (the ones KEYS and SCAN MATCH take) for the in-process cache, so
// `keys("reports:inventory:*")` means the same thing on both implementations:
//   *  any run of characters (":" included)   ?  one character
//   [abc] [a-z] [^a]  a character class        \x  x literally
const SPECIAL = /[*?[\]\\]/g;

/** Escapes a literal (the cache prefix) for use inside a glob. */
export function escapeGlob(literal: string): string {
  return literal.replace(SPECIAL, (c) => "\\" + c);
}

/** Compiles a glob into an anchored RegExp with Redis's semantics. */
export function globToRegExp(glob: string): RegExp {
  let out = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*") out += "[\\s\\S]*";
    else if (c === "?") out += "[\\s\\S]";
    else if (c === "\\" && i + 1 < glob.length) out += escapeRegExp(glob[++i]);
    else if (c === "[") {
      const end = classEnd(glob, i);
      if (end < 0) {
        out += "\\["; // an unclosed bracket is a literal, as in Redis
        continue;
      }
      out += compileClass(glob.slice(i + 1, end));
      i = end;
    } else out += escapeRegExp(c);
  }
  return new RegExp(`^${out}$`, "u");
}

function classEnd(glob: string, open: number): number {
  for (let j = open + 1; j < glob.length; j++) {
    if (glob[j] === "\\") j++;
    else if (glob[j] === "]") return j;
  }
  return -1;
}

function compileClass(body: string): string {
  let negate = false;
  let i = 0;
  if (body[0] === "^") {
    negate = true;
    i = 1;
  }
  let out = "";
  for (; i < body.length; i++) {
    let c = body[i];
    if (c === "\\" && i + 1 < body.length) c = body[++i];
    if (body[i + 1] === "-" && i + 2 < body.length) {
      let to = body[i + 2];
      i += 2;
      if (to === "\\" && i + 1 < body.length) to = body[++i];
      // Redis accepts reversed ranges ([z-a]); a RegExp does not.
      const [lo, hi] = c <= to ? [c, to] : [to, c];
      out += `${escapeClassChar(lo)}-${escapeClassChar(hi)}`;
    } else out += escapeClassChar(c);
  }
  return `[${negate ? "^" : ""}${out}]`;
}

function escapeRegExp(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
}

function escapeClassChar(c: string): string {
  return c.replace(/[\]\\^-]/g, "\\$&");
}
