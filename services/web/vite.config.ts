import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

// Built once (`npm run build -w @expenses/web`) into dist/: index.html plus content-hashed files under
// assets/, served by the gateway at / (WEB_ROOT) and in the cluster by the web chart.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The CSP forbids inline script; keep Vite from inlining its module-preload polyfill or small assets as data: scripts.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: true,
  },
  server: {
    // `npm run dev -w @expenses/web` beside `npm start`: the API stays on the gateway.
    proxy: Object.fromEntries(['/auth', '/user', '/ds', '/expense', '/openapi.json'].map((p) => [p, 'http://127.0.0.1:8080'])),
  },
})
