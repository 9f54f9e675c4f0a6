import { render, waitFor } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import CodeEditor, { followPosition } from './CodeEditor'

describe('CodeEditor scrolling', () => {
  it('follows a stream to the start of the last line, never its end', () => {
    expect(followPosition('a\n' + 'x'.repeat(500))).toBe(2)
    expect(followPosition('x'.repeat(500))).toBe(0)
  })

  it('scrolls back to the start of the lines when the stream ends', async () => {
    const long = 'y = "' + 'z'.repeat(400) + '"\n'
    const { container, rerender } = render(<CodeEditor path="a.py" code={long} dark={false} streaming />)
    const scroller = container.querySelector('.cm-scroller') as HTMLElement
    let left = 0
    Object.defineProperty(scroller, 'scrollLeft', { get: () => left, set: (v: number) => (left = v), configurable: true })
    left = 300
    rerender(<CodeEditor path="a.py" code={long + long} dark={false} streaming />)
    rerender(<CodeEditor path="a.py" code={long + long} dark={false} streaming={false} />)
    await waitFor(() => expect(left).toBe(0))
  })
})
