import type { ErrorCode, ErrorDTO } from './types'

/** A failed bound call: a code from the shared vocabulary and a sentence for the person. */
export class ApiError extends Error {
  readonly code: ErrorCode | string
  readonly retryAfterSeconds?: number
  /** The input the message is about (e.g. "e2bDomain"), when the backend named one. */
  readonly field?: string

  constructor(code: ErrorCode | string, message: string, retryAfterSeconds?: number, field?: string) {
    super(message)
    this.name = 'ApiError'
    this.code = code
    this.retryAfterSeconds = retryAfterSeconds
    this.field = field || undefined
  }

  toDTO(): ErrorDTO {
    return { code: this.code, message: this.message, retryAfterSeconds: this.retryAfterSeconds, field: this.field }
  }
}

export const BACKEND_MISSING =
  "Tessera's backend is not running, so nothing can be loaded or saved. Start Tessera as a desktop app (or with wails dev) and try again."

const GENERIC = 'Something went wrong. Try again; if it keeps happening, look in the log file.'

function isDTO(v: unknown): v is ErrorDTO {
  return typeof v === 'object' && v !== null && typeof (v as ErrorDTO).message === 'string'
}

/**
 * Turns whatever a Wails call rejected with into an ApiError. Wails passes
 * the ErrorFormatter's value through, which arrives as an object or as its
 * JSON text depending on the version; a plain string or Error is possible too.
 */
export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e
  if (typeof e === 'string') {
    const s = e.trim()
    if (s.startsWith('{')) {
      try {
        const parsed: unknown = JSON.parse(s)
        if (isDTO(parsed)) return new ApiError(parsed.code || 'internal', parsed.message, parsed.retryAfterSeconds, parsed.field)
      } catch {
        // not JSON: fall through
      }
    }
    return new ApiError('internal', s || GENERIC)
  }
  if (isDTO(e) && !(e instanceof Error)) {
    return new ApiError(e.code || 'internal', e.message || GENERIC, e.retryAfterSeconds, e.field)
  }
  if (e instanceof Error) {
    if (e.message.startsWith('{')) return toApiError(e.message)
    return new ApiError('internal', e.message || GENERIC)
  }
  return new ApiError('internal', GENERIC)
}

/** The sentence to show for any thrown value. */
export function errorMessage(e: unknown): string {
  return toApiError(e).message
}

export function isCanceled(e: unknown): boolean {
  return toApiError(e).code === 'canceled'
}
