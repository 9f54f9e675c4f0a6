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

// The app's page never runs inside a frame. A preview can try to frame the
// app's own URL (WebKitGTK does not apply frame-ancestors or X-Frame-Options
// to the app's wails:// scheme); such a copy has no bridge to Go anyway
// (backend/frameguard), and this keeps it from even drawing the app.
if (window.top === window.self) {
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App />
    </StrictMode>,
  )
}
