import type { Message } from '../../api'

/**
 * What the rejection of a failed Send says about the person's message:
 * `userSaved: boolean`, or the saved `user` message, on the error (as an
 * ApiError's field, the error object Wails passes on, or its JSON text).
 * undefined when it says nothing (a backend from before the field).
 */
export function savedFlag(rejection: unknown): boolean | undefined {
  if (typeof rejection === 'string') {
    const s = rejection.trim()
    if (!s.startsWith('{')) return undefined
    try {
      return savedFlag(JSON.parse(s) as unknown)
    } catch {
      return undefined
    }
  }
  if (typeof rejection !== 'object' || rejection === null) return undefined
  const v = rejection as { userSaved?: unknown; user?: unknown; message?: unknown }
  if (typeof v.userSaved === 'boolean') return v.userSaved
  if (typeof v.user === 'object' && v.user !== null && typeof (v.user as { id?: unknown }).id === 'string') return true
  if (rejection instanceof Error && typeof v.message === 'string') return savedFlag(v.message)
  return undefined
}

/**
 * Whether a Send that failed had already saved the person's message (then
 * the error offers Retry and the draft is not put back). The backend's
 * explicit answer wins; without one, the newest loaded message (after a
 * reload) is compared with the text sent.
 */
export function userMessageSaved(rejection: unknown, messages: Message[], text: string): boolean {
  const flag = savedFlag(rejection)
  if (flag !== undefined) return flag
  const last = messages[messages.length - 1]
  return !!last && last.role === 'user' && last.content.trim() === text
}
