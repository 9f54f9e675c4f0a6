import { defineConfig, type Plugin } from 'vite'
import react from '@vitejs/plugin-react'
import tailwindcss from '@tailwindcss/vite'
import { writeFileSync } from 'node:fs'
import { resolve } from 'node:path'

// dist/.gitkeep is tracked so that Go's //go:embed finds the folder before
// the first build; vite empties dist, so put it back afterwards.
function keepGitkeep(): Plugin {
  return {
    name: 'tessera-keep-gitkeep',
    apply: 'build',
    closeBundle() {
      writeFileSync(resolve(__dirname, 'dist/.gitkeep'), '')
    },
  }
}

// Plain Wails-compatible config: Wails embeds frontend/dist.
export default defineConfig({
  plugins: [react(), tailwindcss(), keepGitkeep()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 900,
  },
})
