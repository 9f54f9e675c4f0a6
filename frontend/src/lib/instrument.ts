/**
 * Benchmark instrumentation, off in the product. The page benchmarks
 * (e2e/bench.mjs) turn it on before the app loads by setting
 * `window.__tesseraMarks = true` (an init script); unit tests call
 * `enableMarks()`. When off, every function here returns at once, so the
 * chat's code path does no benchmark work.
 *
 * What is marked:
 *  - `tessera:messages-rendered:<projectId>` (a performance mark) and
 *    `document.body.dataset.lastRender = projectId`, once a project's loaded
 *    messages are committed to the DOM after a project switch;
 *  - `tessera:stream-done:<requestId>`, once per request, when its run ends.
 */

declare global {
  interface Window {
    __tesseraMarks?: boolean
  }
}

let forced: boolean | null = null

/** Turns the marks on (or off) regardless of the window flag; null goes back to the flag. */
export function enableMarks(on: boolean | null = true): void {
  forced = on
}

export function marksEnabled(): boolean {
  if (forced !== null) return forced
  return typeof window !== 'undefined' && window.__tesseraMarks === true
}

function mark(name: string) {
  try {
    if (typeof performance !== 'undefined' && typeof performance.mark === 'function') performance.mark(name)
  } catch {
    // marks are best effort
  }
}

/**
 * Called by the chat panel once a project's loaded messages are committed to
 * the DOM after a project switch.
 */
export function markMessagesRendered(projectId: string): void {
  if (!marksEnabled()) return
  mark(`tessera:messages-rendered:${projectId}`)
  if (typeof document !== 'undefined' && document.body) document.body.dataset.lastRender = projectId
}

const streamDoneMarked = new Set<string>()

/** `tessera:stream-done:<requestId>`, once per request. */
export function markStreamDone(requestId: string): void {
  if (!marksEnabled()) return
  if (streamDoneMarked.has(requestId)) return
  streamDoneMarked.add(requestId)
  if (streamDoneMarked.size > 200) streamDoneMarked.delete(streamDoneMarked.values().next().value as string)
  mark(`tessera:stream-done:${requestId}`)
}
