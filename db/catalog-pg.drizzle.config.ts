import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "postgresql",
  schema: "./db/catalog/pg-schema.ts",
  out: "./db/catalog/migrations/pg",
});
