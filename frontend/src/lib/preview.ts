import type { SandboxState } from '../api'

const HOST = /^(\d+)-([A-Za-z0-9_-]+)\.(.+)$/

/**
 * The URL a stored web preview has now. A preview URL names its sandbox
 * (<port>-<sandboxId>.<domain>, as E2B builds it); after Restart or a
 * rebuild the project has a new sandbox serving the same files, so the
 * stored URL of the old one (now a 502 "sandbox not found") is moved to the
 * current sandbox. Anything that is not such a URL is kept as it is.
 */
export function followSandboxURL(url: string, storedSandboxId: string | undefined, currentSandboxId: string | undefined): string {
  if (!url || !currentSandboxId) return url
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return url
  }
  const m = HOST.exec(u.hostname)
  if (!m) return url
  const [, port, id, domain] = m
  if (storedSandboxId && id !== storedSandboxId) return url
  if (id === currentSandboxId) return url
  u.hostname = `${port}-${currentSandboxId}.${domain}`
  return u.toString().replace(/\/$/, url.endsWith('/') ? '/' : '')
}

/** The sandbox a preview URL names (<port>-<sandboxId>.<domain>), or null for any other address. */
export function sandboxOfURL(url: string): string | null {
  try {
    return HOST.exec(new URL(url).hostname)?.[2] ?? null
  } catch {
    return null
  }
}

export type Cover = null | { kind: 'paused' | 'busy' | 'none' | 'error' | 'unreachable'; text: string }

/**
 * What covers a web preview while its sandbox cannot serve it: an iframe of a
 * paused, restarting or missing sandbox would show a gateway error that
 * reads as if the app were broken.
 */
export function previewCover(state: SandboxState | undefined, error?: string): Cover {
  switch (state) {
    case undefined:
    case 'running':
      return null
    case 'paused':
      return { kind: 'paused', text: 'Paused — the sandbox keeps its files and memory. Resume it to see the app again.' }
    case 'starting':
      return { kind: 'busy', text: 'Starting the sandbox…' }
    case 'resuming':
      return { kind: 'busy', text: 'Resuming the sandbox…' }
    case 'rebuilding':
      return { kind: 'busy', text: "Rebuilding the sandbox from the project's files…" }
    case 'pausing':
      return { kind: 'busy', text: 'Pausing the sandbox…' }
    case 'none':
      return { kind: 'none', text: "No sandbox is running for this project. Start one to see the app again: it is built from the project's files." }
    case 'error':
      return { kind: 'error', text: error || 'The sandbox could not be reached.' }
    case 'unreachable':
      // Not the browser's wordless broken page: what happened and what to do.
      return {
        kind: 'unreachable',
        text: `${error || 'Tessera cannot reach the sandbox right now.'} The app's files are safe on this computer; the preview comes back when the sandbox answers.`,
      }
    default:
      return null
  }
}
