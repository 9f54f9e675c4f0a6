import type { ErrorCode, ErrorDTO } from './types'

/** What a failed call may say besides its code and sentence (ErrorDTO's optional fields). */
export type ApiErrorDetail = Omit<ErrorDTO, 'code' | 'message'> & {
  /** The backend's ErrorFormatter made it (not a page or transport failure). */
  fromBackend?: boolean
}

/** A failed bound call: a code from the shared vocabulary and a sentence for the person. */
export class ApiError extends Error {
  readonly code: ErrorCode | string
  readonly retryAfterSeconds?: number
  /** The input the message is about (e.g. "e2bDomain"), when the backend named one. */
  readonly field?: string
  /** Set when Send or Retry failed after the person's message was saved. */
  readonly userMessageId?: string
  readonly fromBackend: boolean

  constructor(code: ErrorCode | string, message: string, detail: ApiErrorDetail = {}) {
    super(message)
    this.name = 'ApiError'
    this.code = code
    this.retryAfterSeconds = detail.retryAfterSeconds
    this.field = detail.field || undefined
    this.userMessageId = detail.userMessageId || undefined
    this.fromBackend = !!detail.fromBackend
  }

  toDTO(): ErrorDTO {
    return { code: this.code, message: this.message, retryAfterSeconds: this.retryAfterSeconds, field: this.field, userMessageId: this.userMessageId }
  }
}

export const BACKEND_MISSING =
  "Tessera's backend is not running, so nothing can be loaded or saved. Start Tessera as a desktop app (or with wails dev) and try again."

const GENERIC = 'Something went wrong. Try again; if it keeps happening, look in the log file.'

function isDTO(v: unknown): v is ErrorDTO {
  return typeof v === 'object' && v !== null && typeof (v as ErrorDTO).message === 'string'
}

function fromDTO(d: ErrorDTO): ApiError {
  return new ApiError(d.code || 'internal', d.message || GENERIC, {
    retryAfterSeconds: d.retryAfterSeconds,
    field: d.field,
    userMessageId: d.userMessageId,
    fromBackend: true,
  })
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
        if (isDTO(parsed)) return fromDTO(parsed)
      } catch {
        // not JSON: fall through
      }
    }
    return new ApiError('internal', s || GENERIC)
  }
  if (isDTO(e) && !(e instanceof Error)) {
    return fromDTO(e)
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
