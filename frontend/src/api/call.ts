// The one way a src/api module runs a bound call: a missing backend or any
// rejection becomes an ApiError carrying the backend's sentence.
import { ApiError, BACKEND_MISSING, toApiError } from './errors'
import type { Data } from './types'

type WailsWindow = Window & { go?: Record<string, unknown> }

function hasBackend(): boolean {
  return typeof window !== 'undefined' && !!(window as WailsWindow).go
}

/** Runs one bound call: the binding's own result type, as plain data. */
export async function call<T>(fn: () => Promise<T>): Promise<Data<T>> {
  if (!hasBackend()) throw new ApiError('unavailable', BACKEND_MISSING)
  try {
    // The generated classes' data, typed from the bindings themselves (a Go
    // result type change reaches every caller): Wails delivers plain JSON.
    return (await fn()) as Data<T>
  } catch (e) {
    throw toApiError(e)
  }
}
