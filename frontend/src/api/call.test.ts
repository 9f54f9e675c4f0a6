import { afterEach, describe, expect, it } from 'vitest'
import { call } from './call'
import { ApiError, BACKEND_MISSING } from './errors'

type WailsWindow = Window & { go?: Record<string, unknown> }

describe('call', () => {
  afterEach(() => {
    delete (window as WailsWindow).go
  })

  it('says the backend is missing without calling', async () => {
    let called = false
    const err = await call(async () => {
      called = true
      return 1
    }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect((err as ApiError).code).toBe('unavailable')
    expect((err as ApiError).message).toBe(BACKEND_MISSING)
    expect(called).toBe(false)
  })

  it('returns the result as plain data', async () => {
    ;(window as WailsWindow).go = {}
    await expect(call(async () => ({ id: 'p1' }))).resolves.toEqual({ id: 'p1' })
  })

  it("turns the backend's rejection into its sentence", async () => {
    ;(window as WailsWindow).go = {}
    const err = await call(() => Promise.reject(JSON.stringify({ code: 'conflict', message: 'a.py changed since it was read.' }))).catch(
      (e: unknown) => e,
    )
    expect(err).toBeInstanceOf(ApiError)
    expect((err as ApiError).code).toBe('conflict')
    expect((err as ApiError).message).toBe('a.py changed since it was read.')
  })
})
