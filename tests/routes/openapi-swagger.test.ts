// The OpenAPI document (generated from the zod definitions that validate requests) and the Swagger
// UI served from local files.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { json, startApp, type TestApp } from "./app-harness.ts";

const test = suite<{ t: TestApp; doc: any }>("openapi and swagger");
test.before(async (ctx) => {
  ctx.t = await startApp();
  ctx.doc = await json(await ctx.t.app.request("/openapi.json"));
});
test.after(async (ctx) => ctx.t.close());

const UNDOCUMENTED = [/^\/hangfire(\/|$)/, /^\/swagger(\/|$)/, /^\/openapi\.json$/];
const openapiPath = (p: string) => p.replace(/:(\w+)(\{[^}]*\})?/g, "{$1}");

test("GET /swagger serves the Swagger UI page, whose scripts and styles are served here", async ({ t }) => {
  const res = await t.app.request("/swagger");
  assert.is(res.status, 200);
  assert.match(res.headers.get("content-type")!, /text\/html/);
  const html = await res.text();
  assert.match(html, /<div id="swagger-ui">/);
  const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
  assert.ok(refs.length >= 4);
  for (const ref of refs) {
    assert.ok(ref.startsWith("/swagger/"), `${ref} is served locally, not from a CDN`);
    const asset = await t.app.request(ref);
    assert.is(asset.status, 200, ref);
    assert.ok((await asset.arrayBuffer()).byteLength > 0, ref);
  }
  assert.not.match(html, /https?:\/\//);
  assert.match(res.headers.get("content-security-policy")!, /script-src 'self'/);
});

test("the Swagger UI bundle is the package's own file, cached by ETag", async ({ t }) => {
  const res = await t.app.request("/swagger/swagger-ui-bundle.js");
  assert.match(res.headers.get("content-type")!, /javascript/);
  assert.ok((await res.text()).length > 100_000);
  const again = await t.app.request("/swagger/swagger-ui-bundle.js", { headers: { "if-none-match": res.headers.get("etag")! } });
  assert.is(again.status, 304);
  assert.is((await t.app.request("/swagger/package.json")).status, 404);
  assert.is((await t.app.request("/swagger/..%2Fpackage.json")).status, 404);
});

test("the initializer points Swagger UI at the .NET document path", async ({ t }) => {
  const js = await (await t.app.request("/swagger/swagger-init.js")).text();
  assert.match(js, /url: "\/swagger\/v1\/swagger\.json"/);
  assert.not.match(js, /petstore/);
});

test("the document is served at /swagger/v1/swagger.json and /openapi.json alike", async ({ t, doc }) => {
  const other = await json(await t.app.request("/swagger/v1/swagger.json"));
  assert.equal(other, doc);
  assert.is(doc.openapi, "3.0.3");
  assert.is(doc.info.title, "Catalog Jobs API");
});

test("every route the app serves (but the dashboard and the docs themselves) is in the document, with its method", async ({ t, doc }) => {
  const routes = t.app.routes
    .filter((r) => r.method !== "ALL" && !UNDOCUMENTED.some((re) => re.test(r.path)))
    .map((r) => `${r.method.toLowerCase()} ${openapiPath(r.path)}`);
  assert.ok(routes.length >= 20);
  const documented = new Set(Object.entries(doc.paths).flatMap(([p, ops]: [string, any]) => Object.keys(ops).map((m) => `${m} ${p}`)));
  const missing = [...new Set(routes)].filter((r) => !documented.has(r));
  assert.equal(missing, []);
});

test("the document lists the seed's endpoints and everything issue 4 adds", async ({ doc }) => {
  const expected: [string, string][] = [
    ["get", "/api/backgroundjobs/recurring-jobs"],
    ["post", "/api/backgroundjobs/trigger-analytics"],
    ["post", "/api/backgroundjobs/trigger-inventory-report"],
    ["post", "/api/backgroundjobs/trigger-cache-warmup"],
    ["post", "/api/backgroundjobs/schedule-cleanup"],
    ["get", "/api/backgroundjobs/jobs"],
    ["get", "/api/backgroundjobs/jobs/{id}"],
    ["delete", "/api/backgroundjobs/jobs/{id}"],
    ["post", "/api/backgroundjobs/jobs/{id}/requeue"],
    ["get", "/api/backgroundjobs/recurring-jobs/{id}"],
    ["patch", "/api/backgroundjobs/recurring-jobs/{id}"],
    ["post", "/api/backgroundjobs/recurring-jobs/{id}/trigger"],
    ["post", "/api/backgroundjobs/recurring-jobs/{id}/enable"],
    ["post", "/api/backgroundjobs/recurring-jobs/{id}/disable"],
    ["get", "/api/backgroundjobs/cron/preview"],
    ["get", "/health"],
    ["get", "/health/live"],
    ["get", "/health/ready"],
    ["get", "/metrics"],
  ];
  for (const [method, path] of expected) assert.ok(doc.paths[path]?.[method], `${method.toUpperCase()} ${path}`);
});

test("every operation has a summary, a success response with a schema, and an example", async ({ doc }) => {
  const resolve = (s: any) => (s?.$ref ? doc.components.schemas[s.$ref.split("/").pop()] : s);
  const lacking: string[] = [];
  for (const [path, ops] of Object.entries<any>(doc.paths)) {
    for (const [method, op] of Object.entries<any>(ops)) {
      const where = `${method.toUpperCase()} ${path}`;
      if (!op.summary) lacking.push(`${where}: summary`);
      const ok = op.responses["200"] ?? op.responses["201"] ?? op.responses["204"];
      if (!ok) lacking.push(`${where}: success response`);
      if (!ok?.content) continue;
      const [media] = Object.values<any>(ok.content);
      if (!media.schema) lacking.push(`${where}: response schema`);
      else if (media.example === undefined && !media.examples && resolve(media.schema)?.example === undefined) lacking.push(`${where}: example`);
    }
  }
  assert.equal(lacking, []);
});

test("schedule-cleanup's delayMinutes is documented as a required integer query parameter from 1 to 525600", async ({ doc }) => {
  const p = doc.paths["/api/backgroundjobs/schedule-cleanup"].post.parameters.find((x: any) => x.name === "delayMinutes");
  assert.is(p.in, "query");
  assert.is(p.required, true);
  assert.is(p.schema.minimum, 1);
  assert.is(p.schema.maximum, 525600);
});

test("state-changing operations declare their security and the 401/403 answers", async ({ doc }) => {
  assert.equal(Object.keys(doc.components.securitySchemes).sort(), ["basicAuth", "bearerAuth"]);
  const op = doc.paths["/api/backgroundjobs/trigger-analytics"].post;
  assert.ok(op.security.some((s: any) => "basicAuth" in s));
  assert.ok(op.responses["401"] && op.responses["403"]);
});

test("validation uses the same definitions as the document: what it calls required is refused when absent", async ({ t, doc }) => {
  const p = doc.paths["/api/backgroundjobs/cron/preview"].get.parameters.find((x: any) => x.name === "cron");
  assert.is(p.required, true);
  const res = await t.app.request("/api/backgroundjobs/cron/preview");
  assert.is(res.status, 400);
  assert.is((await json(res)).error.field, "cron");
});

test.run();
