import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import './index.css'
import App from './App'
import { cachedTheme } from './stores/settings'
import { flushDrafts } from './stores/chat'

// Apply the last theme before the first paint (no light flash in dark mode).
{
  const t = cachedTheme()
  const dark = t === 'dark' || (t === 'system' && window.matchMedia?.('(prefers-color-scheme: dark)').matches)
  document.documentElement.classList.toggle('dark', !!dark)
}
window.addEventListener('beforeunload', flushDrafts)

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
)
