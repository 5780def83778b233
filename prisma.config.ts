import { defineConfig } from 'prisma/config';

// Prisma 7 keeps the datasource URL out of the schema. Only `prisma generate` is run through the
// Prisma CLI here; migrations are authored and applied with tools/migrate.mjs (WASM schema engine).
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
});
