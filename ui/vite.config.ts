import { defineConfig } from "vitest/config";

// The app serves the built files from inside the binary; there is no dev server URL.
export default defineConfig({
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    // Everything ships as files: nothing inlined as data: URLs, which the CSP would refuse.
    assetsInlineLimit: 0,
  },
  test: { include: ["src/**/*.test.ts"] },
});
