import { lazy, Suspense, useState, type ReactNode } from 'react'
import { prefetchMarkdown } from './chat/LazyMarkdown'

// The dialogs nobody sees at start-up load on first use (and on idle once
// the window is painted, so the first open is instant): their code is not
// part of what the page parses before its first paint.
const load = {
  settings: () => import('./settings/SettingsDialog'),
  redirect: () => import('./settings/RedirectConfirmDialog'),
  create: () => import('./projects/CreateProjectDialog'),
  search: () => import('./search/SearchDialog'),
  help: () => import('./ShortcutsHelp'),
}

export const SettingsDialog = lazy(() => load.settings().then((m) => ({ default: m.SettingsDialog })))
export const RedirectConfirmDialog = lazy(() => load.redirect().then((m) => ({ default: m.RedirectConfirmDialog })))
export const CreateProjectDialog = lazy(() => load.create().then((m) => ({ default: m.CreateProjectDialog })))
export const SearchDialog = lazy(() => load.search().then((m) => ({ default: m.SearchDialog })))
export const ShortcutsHelp = lazy(() => load.help().then((m) => ({ default: m.ShortcutsHelp })))

/** Fetches every dialog's code (and the markdown renderer) while the page is idle. */
export function prefetchDialogs(): void {
  const all = () => {
    prefetchMarkdown()
    Object.values(load).forEach((f) => void f())
  }
  if (typeof window !== 'undefined' && 'requestIdleCallback' in window) window.requestIdleCallback(all, { timeout: 3000 })
  else setTimeout(all, 1000)
}

/** Mounts children the first time open is true, and keeps them mounted (a dialog's closing, its state). */
export function OnceOpened({ open, children }: { open: boolean; children: ReactNode }) {
  const [seen, setSeen] = useState(open)
  if (open && !seen) setSeen(true)
  return seen ? <Suspense fallback={null}>{children}</Suspense> : null
}
