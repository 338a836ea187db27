// Hono answers a known path with the wrong method as "not found". Operators with curl deserve
// better: 405 with an Allow header listing what the path does accept. The method table is read
// from the app's own routes the first time it is needed (after every router is mounted).
import type { Hono } from "hono";

interface Pattern {
  method: string;
  regex: RegExp;
}

/** Hono path syntax (`/jobs/:id`, `:id{[0-9]+}`, `:id?`, `*`) → an anchored regex. */
export function pathRegex(path: string): RegExp {
  let out = "";
  for (const seg of path.split("/").filter(Boolean)) {
    if (seg === "*") {
      out += "(?:/.*)?";
      continue;
    }
    const m = /^:(\w+)(\{(.+)\})?(\?)?$/.exec(seg);
    if (m) {
      const body = m[3] ? `(?:${m[3]})` : "[^/]+";
      out += m[4] ? `(?:/${body})?` : `/${body}`;
    } else {
      out += "/" + seg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    }
  }
  return new RegExp(`^${out || "/"}/?$`);
}

/** The methods `path` answers to, HEAD included wherever GET is. */
export function allowedMethods(app: Hono<any>): (path: string) => string[] {
  let patterns: Pattern[] | null = null;
  return (path) => {
    patterns ??= app.routes.filter((r) => r.method !== "ALL").map((r) => ({ method: r.method.toUpperCase(), regex: pathRegex(r.path) }));
    const methods = new Set<string>();
    for (const p of patterns) if (p.regex.test(path)) methods.add(p.method);
    if (methods.has("GET")) methods.add("HEAD");
    return [...methods].sort();
  };
}
