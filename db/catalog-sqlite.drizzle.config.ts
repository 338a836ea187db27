import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "sqlite",
  schema: "./db/catalog/sqlite-schema.ts",
  out: "./db/catalog/migrations/sqlite",
});
