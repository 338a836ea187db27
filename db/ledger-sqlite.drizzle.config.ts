import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "sqlite",
  schema: "./db/ledger/sqlite-schema.ts",
  out: "./db/ledger/migrations/sqlite",
});
