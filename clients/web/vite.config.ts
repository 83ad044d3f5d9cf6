import { defineConfig } from "vitest/config";

// uurod serves dist/ at the root of its HTTP port; every asset is bundled so
// the app makes no request to any other host.
export default defineConfig({
  base: "./",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 700,
  },
  server: {
    // `npm run dev` against a local uurod (scripts/run): the Connect API
    // and the log's tiles are passed through.
    proxy: {
      "/uuro.v1.": "http://127.0.0.1:8080",
      "/checkpoint": "http://127.0.0.1:8080",
      "/tile": "http://127.0.0.1:8080",
    },
  },
  test: {
    include: ["test/unit/**/*.test.ts"],
    environment: "node",
  },
});
