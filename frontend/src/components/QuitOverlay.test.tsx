import { act, render, screen } from '@testing-library/react'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import * as api from '../api'
import { type makeApiMock } from '../test/apiMock'
import { useQuit } from '../stores/quit'
import { QuitOverlay } from './QuitOverlay'

vi.mock('../api', async (importOriginal) => {
  const { makeApiMock } = await import('../test/apiMock')
  return makeApiMock(await importOriginal())
})
const m = api as unknown as ReturnType<typeof makeApiMock>

let emit: (p: unknown) => void = () => {}

beforeEach(() => {
  vi.clearAllMocks()
  useQuit.setState({ done: 0, total: 0 })
  m.subscribe.mockImplementation((topic: string, h: (p: unknown) => void) => {
    if (topic === 'app:quit') emit = h
    return () => {
      emit = () => {}
    }
  })
})

describe('quit progress', () => {
  it('shows the overlay while sandboxes are being paused, and hides it when all are', () => {
    const off = useQuit.getState().listen()
    expect(m.subscribe).toHaveBeenCalledWith('app:quit', expect.any(Function))
    render(<QuitOverlay />)
    expect(screen.queryByTestId('quit-overlay')).toBeNull()

    act(() => emit({ done: 0, total: 3 }))
    const overlay = screen.getByTestId('quit-overlay')
    expect(overlay).toHaveAttribute('role', 'alertdialog')
    expect(overlay).toHaveTextContent('Pausing sandboxes… 0/3')
    expect(overlay).toHaveTextContent('Your work is saved')

    act(() => emit({ done: 2, total: 3 }))
    expect(screen.getByTestId('quit-progress')).toHaveTextContent('2/3')

    act(() => emit({ done: 3, total: 3 }))
    expect(screen.queryByTestId('quit-overlay')).toBeNull()
    off()
  })

  it('nothing to pause shows nothing; junk payloads are ignored', () => {
    useQuit.getState().listen()
    render(<QuitOverlay />)
    act(() => emit({ done: 0, total: 0 }))
    expect(screen.queryByTestId('quit-overlay')).toBeNull()
    act(() => emit(null))
    act(() => emit({ done: 'x', total: 2 }))
    expect(screen.getByTestId('quit-progress')).toHaveTextContent('0/2')
  })
})
