// Makes a DASHBOARD_USERS entry (the password hashed with scrypt) or a new API token with its
// API_TOKENS entry. The password is read from stdin (hidden when typed at a terminal), never
// from the command line, where shell history and `ps` would keep it.
//
//   npx tsx scripts/hash-password.ts alice Admin          → alice:scrypt$32768$8$1$…:Admin
//   echo -n 's3cret' | npx tsx scripts/hash-password.ts bob Viewer
//   npx tsx scripts/hash-password.ts --token ci Admin     → the token (give it to the client) and
//                                                           sha256$…:ci:Admin (for API_TOKENS)
import process from "node:process";
import { hashPassword, newApiToken } from "../src/routes/access/credentials.ts";

const args = process.argv.slice(2);
const token = args[0] === "--token";
const [name, role = "Admin"] = token ? args.slice(1) : args;

function usage(message: string): never {
  process.stderr.write(`${message}\nusage: hash-password.ts [--token] <name> [Role]   (Role defaults to Admin)\n`);
  process.exit(2);
}

if (!name) usage("a user name is required");
if (/[:\s,]/.test(name) || /[:\s,]/.test(role)) usage("name and role may not contain ':', ',' or spaces (they separate entries)");

if (token) {
  const t = newApiToken(name, role);
  process.stdout.write(`token (give this to the client; it is not stored):\n  ${t.token}\nAPI_TOKENS entry:\n  ${t.entry}\n`);
  process.exit(0);
}

async function readPassword(): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8").replace(/\r?\n$/, "");
  }
  process.stderr.write(`password for ${name}: `);
  stdin.setRawMode(true);
  stdin.resume();
  let text = "";
  return new Promise((resolve) => {
    stdin.on("data", (d: Buffer) => {
      for (const ch of d.toString("utf8")) {
        if (ch === "\r" || ch === "\n") {
          stdin.setRawMode(false);
          stdin.pause();
          process.stderr.write("\n");
          return resolve(text);
        }
        if (ch === "\u0003") process.exit(130); // Ctrl-C
        if (ch === "\u007f") text = text.slice(0, -1);
        else text += ch;
      }
    });
  });
}

const password = await readPassword();
if (password.length < 12) usage("the password must be at least 12 characters");
process.stdout.write(`${name}:${await hashPassword(password)}:${role}\n`);
