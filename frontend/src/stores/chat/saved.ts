import { toApiError, type Message } from '../../api'

/**
 * What the rejection of a failed Send says about the person's message: the
 * backend names it (userMessageId) when it was saved before the failure; an
 * error from the backend without it means it was not. undefined when the
 * failure did not come from the backend (nothing is known).
 */
export function savedFlag(rejection: unknown): boolean | undefined {
  const e = toApiError(rejection)
  if (e.userMessageId) return true
  return e.fromBackend ? false : undefined
}

/**
 * Whether a Send that failed had already saved the person's message (then
 * the error offers Retry and the draft is not put back). The backend's
 * answer wins; only for a failure that did not come from it is the newest
 * loaded message (after a reload) compared with the text sent.
 */
export function userMessageSaved(rejection: unknown, messages: Message[], text: string): boolean {
  const flag = savedFlag(rejection)
  if (flag !== undefined) return flag
  const last = messages[messages.length - 1]
  return !!last && last.role === 'user' && last.content.trim() === text
}
