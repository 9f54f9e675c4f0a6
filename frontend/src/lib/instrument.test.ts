import { afterEach, describe, expect, it, vi } from 'vitest'
import { enableMarks, markMessagesRendered, markStreamDone, marksEnabled } from './instrument'

afterEach(() => {
  enableMarks(null)
  delete window.__tesseraMarks
  delete document.body.dataset.lastRender
  vi.restoreAllMocks()
})

describe('benchmark marks', () => {
  it('are off in the product: no mark, no data attribute', () => {
    const mark = vi.spyOn(performance, 'mark')
    expect(marksEnabled()).toBe(false)
    markMessagesRendered('p1')
    markStreamDone('r-off')
    expect(mark).not.toHaveBeenCalled()
    expect(document.body.dataset.lastRender).toBeUndefined()
  })

  it('are on when the benchmark sets window.__tesseraMarks', () => {
    const mark = vi.spyOn(performance, 'mark').mockImplementation((() => undefined) as never)
    window.__tesseraMarks = true
    markMessagesRendered('p1')
    expect(mark).toHaveBeenCalledWith('tessera:messages-rendered:p1')
    expect(document.body.dataset.lastRender).toBe('p1')
  })

  it('mark stream-done once per request', () => {
    const mark = vi.spyOn(performance, 'mark').mockImplementation((() => undefined) as never)
    enableMarks()
    markStreamDone('r1')
    markStreamDone('r1')
    markStreamDone('r2')
    expect(mark.mock.calls.map(([n]) => n)).toEqual(['tessera:stream-done:r1', 'tessera:stream-done:r2'])
  })
})
