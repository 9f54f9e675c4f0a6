// What the preview may do. The preview shows pages a model wrote, served by
// the project's sandbox: hostile by assumption (see README, Security).

/**
 * Web templates whose dev servers break under an opaque origin, and why.
 * Only these get allow-same-origin; the frame keeps the sandbox host's own
 * origin, which is never the app's (the app's Content-Security-Policy admits
 * frames only from sandbox hosts and forbids framing the app itself).
 */
export const SAME_ORIGIN_TEMPLATES: Record<string, string> = {
  'nextjs-developer': 'Next.js fetches its route payloads and HMR updates from its own origin and uses sessionStorage',
  'vue-developer': "Vite serves the app as module scripts, which are CORS requests its dev server refuses for the origin 'null'",
  'streamlit-developer': 'Streamlit keeps its session over a websocket with an XSRF cookie and uses localStorage',
  'gradio-developer': 'Gradio calls its own API routes with cookies',
}

/** The sandbox attribute of the preview iframe for a page of a template. */
export function frameSandbox(url: string, template = '', appOrigin = window.location.origin): string {
  const base = 'allow-scripts allow-forms allow-popups allow-modals allow-downloads'
  if (!(template in SAME_ORIGIN_TEMPLATES)) return base
  try {
    const u = new URL(url)
    if ((u.protocol === 'https:' || u.protocol === 'http:') && u.origin !== appOrigin) return `${base} allow-same-origin`
  } catch {
    // not a URL: no extra rights
  }
  return base
}

export interface Isolation {
  ok: boolean
  reason?: string
}

/**
 * Whether a frame in this page is kept away from the app's bindings. In
 * the Linux window Tessera moves Wails' message handler out of the page's
 * script world at start-up (backend/frameguard); if the handler is still
 * visible here, any frame could reach it too, and previews stay off.
 */
export function previewIsolation(w: Window = window): Isolation {
  const webkit = (w as unknown as { webkit?: { messageHandlers?: Record<string, unknown> } }).webkit
  const exposed = Boolean(webkit?.messageHandlers?.external)
  if (exposed && /Linux/.test(w.navigator.userAgent) && !/Android/.test(w.navigator.userAgent)) {
    return {
      ok: false,
      reason:
        'Previews are turned off: this window could not keep pages from the sandbox away from Tessera. Restart Tessera; if this stays, see Troubleshooting in the README.',
    }
  }
  return { ok: true }
}
