// The published build: ESM, CJS and types for `skytells` and `skytells/server`. Our
// credentials module, the SSE parser and SHA-256 (@noble/hashes) are bundled in, so the package has no runtime
// dependencies; `neutral` keeps Node built-ins out (a test checks the output imports nothing).
import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', server: 'src/server/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  platform: 'neutral',
  target: 'es2022',
  noExternal: ['@skytells/credentials', 'eventsource-parser', '@noble/hashes'],
  // Rollup's smallest preset drops the unused `node:crypto` import of the credentials module's
  // generator and hasher, which the SDK never calls.
  treeshake: { preset: 'smallest' },
  sourcemap: false,
});
