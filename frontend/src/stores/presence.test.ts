import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import * as api from '../api'
import { type makeApiMock } from '../test/apiMock'
import { TYPING_WAKE_EVERY_MS, noteTyping, resetPresence, startPresence } from './presence'
import { useProjects } from './projects'

vi.mock('../api', async (importOriginal) => {
  const { makeApiMock } = await import('../test/apiMock')
  return makeApiMock(await importOriginal())
})
const m = api as unknown as ReturnType<typeof makeApiMock>

let visibility: DocumentVisibilityState = 'visible'
let stop: () => void = () => {}

function setVisibility(v: DocumentVisibilityState) {
  visibility = v
  document.dispatchEvent(new Event('visibilitychange'))
}

beforeEach(() => {
  vi.clearAllMocks()
  resetPresence()
  visibility = 'visible'
  vi.spyOn(document, 'visibilityState', 'get').mockImplementation(() => visibility)
  useProjects.setState({ currentId: 'p1' })
  stop = startPresence()
})
afterEach(() => {
  stop()
  vi.restoreAllMocks()
})

const flush = () => new Promise((r) => setTimeout(r, 0))

describe('presence', () => {
  it('reports a hidden window and wakes the current project when it is shown again', () => {
    setVisibility('hidden')
    expect(m.sandbox.setWindowHidden).toHaveBeenLastCalledWith(true)
    expect(m.sandbox.wake).not.toHaveBeenCalled()
    setVisibility('visible')
    expect(m.sandbox.setWindowHidden).toHaveBeenLastCalledWith(false)
    expect(m.sandbox.wake).toHaveBeenCalledWith('p1')
  })

  it('counts a blur as away only when the window is minimised', async () => {
    vi.spyOn(document, 'hasFocus').mockReturnValue(false)
    m.sandbox.windowMinimised.mockResolvedValueOnce(false)
    window.dispatchEvent(new Event('blur'))
    await flush()
    expect(m.sandbox.setWindowHidden).not.toHaveBeenCalled()
    m.sandbox.windowMinimised.mockResolvedValueOnce(true)
    window.dispatchEvent(new Event('blur'))
    await flush()
    expect(m.sandbox.setWindowHidden).toHaveBeenCalledWith(true)
    window.dispatchEvent(new Event('focus'))
    expect(m.sandbox.setWindowHidden).toHaveBeenLastCalledWith(false)
    expect(m.sandbox.wake).toHaveBeenCalledWith('p1')
  })

  it('typing in the prompt wakes the sandbox, at most every 15 s', () => {
    const t0 = 1_000_000
    noteTyping('p1', t0)
    noteTyping('p1', t0 + 100)
    noteTyping('p1', t0 + TYPING_WAKE_EVERY_MS - 1)
    expect(m.sandbox.wake).toHaveBeenCalledTimes(1)
    noteTyping('p1', t0 + TYPING_WAKE_EVERY_MS)
    expect(m.sandbox.wake).toHaveBeenCalledTimes(2)
  })

  it('typing while reported hidden says the person is back', () => {
    setVisibility('hidden')
    noteTyping('p1', 5_000_000)
    expect(m.sandbox.setWindowHidden).toHaveBeenLastCalledWith(false)
  })
})
