import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The bundle ships inside the Python package; the server serves it under /console/ and
// answers every page of the console (/, /incidents/..., /assets/...) with its index.html.
export default defineConfig({
  base: "/console/",
  plugins: [react()],
  build: {
    outDir: process.env.CONSOLE_OUT_DIR ?? "../incident_graph/api/http/static/console",
    emptyOutDir: true,
    assetsDir: "assets",
    // The bundle is committed; source maps would double its size for no user.
    sourcemap: false,
    // The budget that matters is compressed (under 300 KB of JavaScript, checked by a test).
    chunkSizeWarningLimit: 800,
  },
});
