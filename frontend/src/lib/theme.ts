import { useEffect, useSyncExternalStore } from 'react'
import { useSettings } from '../stores/settings'

const query = '(prefers-color-scheme: dark)'

function subscribeSystem(cb: () => void) {
  if (typeof window === 'undefined' || !window.matchMedia) return () => {}
  const mq = window.matchMedia(query)
  mq.addEventListener?.('change', cb)
  return () => mq.removeEventListener?.('change', cb)
}

function systemDark(): boolean {
  return typeof window !== 'undefined' && !!window.matchMedia && window.matchMedia(query).matches
}

export function useResolvedTheme(): 'light' | 'dark' {
  const theme = useSettings((s) => s.settings.theme)
  const dark = useSyncExternalStore(subscribeSystem, systemDark, () => false)
  if (theme === 'light' || theme === 'dark') return theme
  return dark ? 'dark' : 'light'
}

/** Puts the `dark` class on <html> (class-based dark mode). */
export function useApplyTheme() {
  const resolved = useResolvedTheme()
  useEffect(() => {
    document.documentElement.classList.toggle('dark', resolved === 'dark')
  }, [resolved])
  return resolved
}
