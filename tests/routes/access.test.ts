// Access rules and the bypasses a reviewer would try: forwarded headers claiming to be local,
// wrong roles, tokens in the URL, cross-site browsers and missing CSRF tokens.
import { Hono } from "hono";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createApp, type AppDeps } from "../../src/app.ts";
import { ConfigError } from "../../src/errors.ts";
import { requireAdmin } from "../../src/routes/access/access-control.ts";
import { csrfProtection, csrfToken } from "../../src/routes/access/csrf.ts";
import { hashPassword, newApiToken } from "../../src/routes/access/credentials.ts";
import { json, startApp, type TestApp } from "./app-harness.ts";

const FAST = { n: 1024, r: 8, p: 1, keyLength: 32 }; // cheap scrypt: these tests check logic, not cost

interface Ctx {
  t: TestApp;
  /** Users and tokens configured. */
  users: ReturnType<typeof createApp>;
  usersDeps: AppDeps;
  adminToken: string;
  viewerToken: string;
  clockOffset: { ms: number };
}

const test = suite<Ctx>("access");
test.before(async (ctx) => {
  ctx.t = await startApp();
  const admin = newApiToken("ci", "Admin");
  const viewer = newApiToken("dashboard-bot", "Viewer");
  ctx.adminToken = admin.token;
  ctx.viewerToken = viewer.token;
  ctx.clockOffset = { ms: 0 };
  const clock = { ...ctx.t.deps.clock, now: () => Date.now() + ctx.clockOffset.ms };
  ctx.usersDeps = {
    ...ctx.t.deps,
    clock,
    config: {
      ...ctx.t.deps.config,
      users: [
        `alice:${await hashPassword("alice-password-1", FAST)}:Admin`,
        `root:${await hashPassword("root-password-12", FAST)}:Admin`,
        `victor:${await hashPassword("victor-password", FAST)}:Viewer`,
      ],
      apiTokens: [admin.entry, viewer.entry],
    },
  };
  ctx.users = createApp(ctx.usersDeps);
});
test.after(async (ctx) => ctx.t.close());
test.before.each(({ t }) => t.from("127.0.0.1"));

const TRIGGER = "/api/backgroundjobs/trigger-cache-warmup";
const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}` });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const post = (app: { request: Hono["request"] }, path: string, headers: Record<string, string> = {}, body?: BodyInit) =>
  app.request(path, { method: "POST", headers, body });

// ---- local-only (no users configured) ------------------------------------------------------------

test("without users, state changes from the local machine are accepted", async ({ t }) => {
  for (const addr of ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"]) {
    t.from(addr);
    assert.is((await post(t.app, TRIGGER)).status, 200, addr);
  }
});

test("without users, a remote client can read but not change anything, nor see the dashboard", async ({ t }) => {
  t.from("203.0.113.9");
  assert.is((await t.app.request("/api/backgroundjobs/recurring-jobs")).status, 200);
  assert.is((await t.app.request("/health")).status, 200);
  const res = await post(t.app, TRIGGER);
  assert.is(res.status, 403);
  const body = await json(res);
  assert.is(body.error.code, "forbidden");
  assert.match(body.error.message, /only requests from the local machine \(this one came from 203\.0\.113\.9\)/);
  for (const path of ["/hangfire", "/hangfire/jobs/succeeded", "/hangfire/recurring"]) {
    assert.is((await t.app.request(path)).status, 403, path);
  }
  assert.is((await t.app.request("/api/backgroundjobs/jobs/1", { method: "DELETE" })).status, 403);
  assert.is(
    (await t.app.request("/api/backgroundjobs/recurring-jobs/cleanup", { method: "PATCH", body: "{}", headers: { "content-type": "application/json" } })).status,
    403,
  );
});

test("forwarding headers claiming to be local do not make a remote client local", async ({ t }) => {
  t.from("198.51.100.23");
  const claims: Record<string, string>[] = [
    { "x-forwarded-for": "127.0.0.1" },
    { "x-forwarded-for": "127.0.0.1, 198.51.100.23" },
    { "x-real-ip": "127.0.0.1" },
    { forwarded: "for=127.0.0.1;proto=http" },
    { forwarded: 'for="[::1]"' },
    { "x-client-ip": "::1", "true-client-ip": "127.0.0.1", "cf-connecting-ip": "127.0.0.1" },
    { host: "localhost" },
  ];
  for (const headers of claims) {
    assert.is((await post(t.app, TRIGGER, headers)).status, 403, JSON.stringify(headers));
    assert.is((await t.app.request("/hangfire", { headers })).status, 403, JSON.stringify(headers));
  }
});

test("without users, a local request sent to another host name is refused: a DNS-rebinding page gets nothing", async ({ t }) => {
  t.from("127.0.0.1");
  const rebind = "http://rebind.attacker.example:18942";
  for (const path of ["/hangfire", "/hangfire/events", "/hangfire/recurring"]) {
    assert.is((await t.app.request(`${rebind}${path}`)).status, 403, path);
  }
  const res = await post(t.app, `${rebind}${TRIGGER}`, { origin: rebind, "sec-fetch-site": "same-origin" });
  assert.is(res.status, 403);
  assert.match((await json(res)).error.message, /sent to "rebind\.attacker\.example", as a page using DNS rebinding would/);
  const patch = await t.app.request(`${rebind}/api/backgroundjobs/recurring-jobs/cleanup`, {
    method: "PATCH",
    body: '{"cron":"0 0 1 1 *"}',
    headers: { "content-type": "application/json", origin: rebind },
  });
  assert.is(patch.status, 403);
  for (const host of ["localhost", "app.localhost", "127.0.0.1", "127.1.2.3", "[::1]"]) {
    assert.is((await post(t.app, `http://${host}:8080${TRIGGER}`)).status, 200, host);
  }
});

test("addresses that merely look local are not: 0.0.0.0, private ranges, and a mapped remote address", async ({ t }) => {
  for (const addr of ["0.0.0.0", "10.0.0.1", "192.168.1.10", "::ffff:10.0.0.1", "::2", "128.0.0.1"]) {
    t.from(addr);
    assert.is((await post(t.app, TRIGGER)).status, 403, addr);
  }
});

test("a request with no socket at all is not local", async ({ t }) => {
  t.from(null);
  assert.is((await post(t.app, TRIGGER)).status, 403);
});

test("by default the address comes from @hono/node-server's socket bindings, not from headers", async ({ t }) => {
  const { clientAddress: _, ...deps } = t.deps;
  const app = createApp(deps);
  const socket = (remoteAddress: string) => ({ incoming: { socket: { remoteAddress, remotePort: 51000, remoteFamily: "IPv4" } } });
  const remote = await app.request(TRIGGER, { method: "POST", headers: { "x-forwarded-for": "127.0.0.1" } }, socket("192.0.2.44"));
  assert.is(remote.status, 403);
  assert.match((await json(remote)).error.message, /192\.0\.2\.44/);
  assert.is((await app.request(TRIGGER, { method: "POST" }, socket("127.0.0.1"))).status, 200);
  assert.is((await app.request(TRIGGER, { method: "POST" })).status, 403, "no bindings: unknown, never local");
});

// ---- users configured -----------------------------------------------------------------------------

test("with users, a state change without credentials is a 401 with a Basic challenge — even from the local machine", async ({ users }) => {
  const res = await post(users, TRIGGER);
  assert.is(res.status, 401);
  assert.match(res.headers.get("www-authenticate")!, /^Basic realm="Catalog Jobs"/);
  assert.match(res.headers.get("www-authenticate")!, /Bearer/);
  assert.is((await json(res)).error.code, "unauthorized");
});

test("with users, an Admin by HTTP Basic may change state and open the dashboard", async ({ t, users }) => {
  t.from("203.0.113.50");
  assert.is((await post(users, TRIGGER, basic("alice", "alice-password-1"))).status, 200);
  assert.not.equal((await users.request("/hangfire", { headers: basic("alice", "alice-password-1") })).status, 401);
  assert.not.equal((await users.request("/hangfire", { headers: basic("alice", "alice-password-1") })).status, 403);
});

test("a wrong password, an unknown user and a malformed header are 401s", async ({ users }) => {
  for (const headers of [
    basic("alice", "wrong-password"),
    basic("mallory", "alice-password-1"),
    basic("alice", ""),
    { authorization: "Basic !!!not-base64" },
    { authorization: "Basic " + Buffer.from("no-colon").toString("base64") },
    { authorization: "Digest username=alice" },
    { authorization: "Bearer" },
  ]) {
    const res = await post(users, TRIGGER, headers);
    assert.is(res.status, 401, JSON.stringify(headers));
    assert.ok(res.headers.get("www-authenticate"));
  }
});

test("a user without the Admin role is a 403 for state changes and the dashboard", async ({ users }) => {
  const res = await post(users, TRIGGER, basic("victor", "victor-password"));
  assert.is(res.status, 403);
  assert.match((await json(res)).error.message, /role Viewer; this needs role Admin/);
  assert.is(res.headers.get("www-authenticate"), null);
  assert.is((await users.request("/hangfire", { headers: basic("victor", "victor-password") })).status, 403);
});

test("bearer tokens: an Admin token may, a Viewer token is a 403, an unknown token a 401", async ({ users, adminToken, viewerToken }) => {
  assert.is((await post(users, TRIGGER, bearer(adminToken))).status, 200);
  assert.is((await post(users, TRIGGER, bearer(viewerToken))).status, 403);
  assert.is((await post(users, TRIGGER, bearer(adminToken + "x"))).status, 401);
  assert.is((await post(users, TRIGGER, bearer("cjt_guess"))).status, 401);
});

test("a token in the query string is refused, even a valid one, even alongside valid headers", async ({ users, adminToken }) => {
  for (const q of [`access_token=${adminToken}`, `token=${adminToken}`, `api_key=${adminToken}`, `Access_Token=${adminToken}`]) {
    const res = await post(users, `${TRIGGER}?${q}`);
    assert.is(res.status, 401, q);
    assert.match((await json(res)).error.message, /query string .* refused/);
    assert.is((await post(users, `${TRIGGER}?${q}`, bearer(adminToken))).status, 401, `${q} with a header`);
  }
  assert.is((await users.request(`/hangfire?access_token=${adminToken}`)).status, 401);
});

test("with users, forwarding headers and a local socket don't stand in for credentials", async ({ t, users }) => {
  t.from("127.0.0.1");
  assert.is((await post(users, TRIGGER, { "x-forwarded-for": "127.0.0.1", "x-forwarded-user": "alice" })).status, 401);
  assert.is((await users.request("/hangfire")).status, 401);
});

test("with users, reads and /health stay open unless PROTECT_READS is set", async ({ t, users }) => {
  t.from("203.0.113.7");
  assert.is((await users.request("/api/backgroundjobs/recurring-jobs")).status, 200);
  assert.is((await users.request("/health")).status, 200);
  assert.is((await users.request("/metrics")).status, 200);
  assert.is((await users.request("/swagger")).status, 200);
});

test("PROTECT_READS with users: reads need any known user; probes stay open", async ({ t, usersDeps, viewerToken }) => {
  const app = createApp({ ...usersDeps, config: { ...usersDeps.config, protectReads: true } });
  t.from("203.0.113.7");
  for (const path of ["/api/backgroundjobs/recurring-jobs", "/api/backgroundjobs/jobs", "/health", "/metrics", "/openapi.json"]) {
    assert.is((await app.request(path)).status, 401, path);
    assert.is((await app.request(path, { headers: basic("victor", "victor-password") })).status, 200, path);
  }
  assert.is((await app.request("/api/backgroundjobs/jobs", { headers: bearer(viewerToken) })).status, 200);
  assert.is((await app.request("/health/live")).status, 200);
  assert.is((await app.request("/health/ready")).status, 200);
});

test("PROTECT_READS without users: reads only from the local machine", async ({ t }) => {
  const app = createApp({ ...t.deps, config: { ...t.deps.config, protectReads: true } });
  t.from("203.0.113.7");
  assert.is((await app.request("/api/backgroundjobs/recurring-jobs")).status, 403);
  t.from("127.0.0.1");
  assert.is((await app.request("/api/backgroundjobs/recurring-jobs")).status, 200);
});

test("a user entry that is not hashed stops the app at start-up, naming the entry", async ({ t }) => {
  const make = (users: string[], apiTokens: string[] = []) => () => createApp({ ...t.deps, config: { ...t.deps.config, users, apiTokens } });
  assert.throws(make(["alice:plaintext-password:Admin"]), (e: Error) => e instanceof ConfigError && /DASHBOARD_USERS entry 1/.test(e.message));
  assert.throws(make(["alice"]), (e: Error) => e instanceof ConfigError);
  assert.throws(make([], ["raw-token:ci:Admin"]), (e: Error) => e instanceof ConfigError && /API_TOKENS entry 1/.test(e.message));
});

// ---- CSRF ---------------------------------------------------------------------------------------

const SAME_ORIGIN = { origin: "http://localhost", "sec-fetch-site": "same-origin", "sec-fetch-mode": "cors" };

async function tokenFor(app: { request: Hono["request"] }, headers: Record<string, string> = {}) {
  const res = await app.request("/api/backgroundjobs/csrf-token", { headers });
  assert.is(res.status, 200);
  return (await json(res)).token as string;
}

test("scripts without browser headers need no CSRF token: curl, and Node's fetch with its Sec-Fetch-Mode", async ({ t }) => {
  assert.is((await post(t.app, TRIGGER, { "user-agent": "curl/8.5.0" })).status, 200);
  assert.is((await post(t.app, TRIGGER, { "user-agent": "node", "sec-fetch-mode": "cors" })).status, 200);
});

test("a cross-site browser request is refused, whatever else it carries", async ({ t }) => {
  const token = await tokenFor(t.app);
  for (const site of ["cross-site", "same-site"]) {
    const res = await post(t.app, TRIGGER, { "sec-fetch-site": site, "x-csrf-token": token });
    assert.is(res.status, 403, site);
    assert.is((await json(res)).error.code, "csrf_cross_site");
  }
});

test("an Origin other than this server's is refused, and so is Origin: null", async ({ t }) => {
  const token = await tokenFor(t.app);
  for (const origin of ["http://evil.example", "http://localhost.evil.example", "http://localhost:8081", "null"]) {
    const res = await post(t.app, TRIGGER, { origin, "x-csrf-token": token });
    assert.is(res.status, 403, origin);
    assert.is((await json(res)).error.code, "csrf_cross_origin");
  }
});

test("a same-origin browser request without a CSRF token is refused", async ({ t }) => {
  const res = await post(t.app, TRIGGER, SAME_ORIGIN);
  assert.is(res.status, 403);
  const body = await json(res);
  assert.is(body.error.code, "csrf_token_missing");
  assert.match(body.error.message, /X-CSRF-Token/);
  // Only one of the browser's marks is enough to require the token.
  assert.is((await post(t.app, TRIGGER, { "sec-fetch-site": "same-origin" })).status, 403);
  assert.is((await post(t.app, TRIGGER, { origin: "http://localhost" })).status, 403);
});

test("a forged or altered CSRF token is refused", async ({ t }) => {
  const token = await tokenFor(t.app);
  const [v, ts, nonce, sig] = token.split(".");
  for (const bad of ["v1.abc.def.ghi", `${v}.${ts}.${nonce}.${sig.slice(0, -2)}AA`, `${v}.${(parseInt(ts, 36) + 1).toString(36)}.${nonce}.${sig}`, "x".repeat(300)]) {
    const res = await post(t.app, TRIGGER, { ...SAME_ORIGIN, "x-csrf-token": bad });
    assert.is(res.status, 403, bad.slice(0, 30));
    assert.is((await json(res)).error.code, "csrf_token_invalid");
  }
});

test("a same-origin browser request with a valid token, in the header or a form field, is accepted", async ({ t }) => {
  const token = await tokenFor(t.app);
  assert.is((await post(t.app, TRIGGER, { ...SAME_ORIGIN, "x-csrf-token": token })).status, 200);
  const form = new URLSearchParams({ _csrf: token });
  const res = await post(t.app, TRIGGER, { ...SAME_ORIGIN, "content-type": "application/x-www-form-urlencoded" }, form);
  assert.is(res.status, 200);
});

test("a token issued to one user is refused for another, and tokens expire after a day", async ({ users, clockOffset }) => {
  const alice = basic("alice", "alice-password-1");
  const token = await tokenFor(users, alice);
  assert.is((await post(users, TRIGGER, { ...SAME_ORIGIN, ...alice, "x-csrf-token": token })).status, 200);
  const root = basic("root", "root-password-12");
  const res = await post(users, TRIGGER, { ...SAME_ORIGIN, ...root, "x-csrf-token": token });
  assert.is(res.status, 403);
  assert.is((await json(res)).error.code, "csrf_token_invalid");
  clockOffset.ms = 25 * 3_600_000;
  try {
    assert.is((await post(users, TRIGGER, { ...SAME_ORIGIN, ...alice, "x-csrf-token": token })).status, 403);
  } finally {
    clockOffset.ms = 0;
  }
});

test("the CSRF check runs after authentication: a cross-site request without credentials is a 401, not a CSRF error", async ({ users }) => {
  assert.is((await post(users, TRIGGER, { "sec-fetch-site": "cross-site" })).status, 401);
});

test("the csrf-token endpoint is Admin-only", async ({ t, users }) => {
  t.from("203.0.113.7");
  assert.is((await t.app.request("/api/backgroundjobs/csrf-token")).status, 403);
  assert.is((await users.request("/api/backgroundjobs/csrf-token", { headers: basic("victor", "victor-password") })).status, 403);
});

test("requireAdmin, csrfProtection and csrfToken work on a router of their own, as the dashboard uses them", async ({ t }) => {
  const page = new Hono();
  page.use("*", requireAdmin(t.deps), csrfProtection(t.deps));
  page.get("/page", (c) => c.html(`<meta name="csrf-token" content="${csrfToken(c)}"><input type="hidden" name="_csrf" value="${csrfToken(c)}">`));
  page.post("/act", (c) => c.text("done"));
  const html = await (await page.request("/page")).text();
  const token = /name="csrf-token" content="([^"]+)"/.exec(html)![1];
  assert.is((await page.request("/act", { method: "POST", headers: { ...SAME_ORIGIN, "x-csrf-token": token } })).status, 200);
  assert.is((await page.request("/act", { method: "POST", headers: SAME_ORIGIN })).status, 403);
  t.from("203.0.113.7");
  assert.is((await page.request("/page")).status, 403);
  const bare = new Hono();
  bare.onError((_e, c) => c.text("programming error", 500));
  bare.get("/", (c) => c.text(csrfToken(c)));
  assert.is((await bare.request("/")).status, 500, "csrfToken without csrfProtection is a programming error");
});

test.run();
