import * as api from '../api'
import { useProjects } from './projects'

/**
 * Pause when nobody is looking (issue 16): tells the backend when the
 * window is hidden or minimised (it pauses running sandboxes a minute
 * later, unless a run or a published link needs one), and wakes the
 * current project's sandbox as soon as the person is back: the window gets
 * the focus or they type in the prompt, so the ~1 s resume happens while
 * the message is being written.
 */

/** How often typing may wake the sandbox (each wake also counts as activity). */
export const TYPING_WAKE_EVERY_MS = 15_000

let hidden = false
let lastTypingWake = 0

function report(h: boolean) {
  if (h === hidden) return
  hidden = h
  void api.sandbox.setWindowHidden(h).catch(() => {})
}

function wakeCurrent() {
  report(false)
  const id = useProjects.getState().currentId
  if (id) void api.sandbox.wake(id).catch(() => {})
}

/** Called on every keystroke in the prompt; wakes at most every TYPING_WAKE_EVERY_MS. */
export function noteTyping(projectId: string, now = Date.now()) {
  if (hidden) report(false)
  if (now - lastTypingWake < TYPING_WAKE_EVERY_MS) return
  lastTypingWake = now
  void api.sandbox.wake(projectId).catch(() => {})
}

/** Starts watching the window (App calls it once started); returns the stop. */
export function startPresence(): () => void {
  const onVisibility = () => (document.visibilityState === 'hidden' ? report(true) : wakeCurrent())
  // Blur alone is switching to another window (reading docs, the preview
  // in a browser): only a minimised window counts as away.
  const onBlur = () => {
    void api.sandbox
      .windowMinimised()
      .then((min) => {
        if (min && !document.hasFocus()) report(true)
      })
      .catch(() => {})
  }
  const onFocus = () => wakeCurrent()
  document.addEventListener('visibilitychange', onVisibility)
  window.addEventListener('blur', onBlur)
  window.addEventListener('focus', onFocus)
  if (document.visibilityState === 'hidden') report(true)
  return () => {
    document.removeEventListener('visibilitychange', onVisibility)
    window.removeEventListener('blur', onBlur)
    window.removeEventListener('focus', onFocus)
  }
}

/** Test hook: forget what was reported. */
export function resetPresence() {
  hidden = false
  lastTypingWake = 0
}
