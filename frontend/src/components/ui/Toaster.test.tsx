import { useState } from 'react'
import { act, render, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { Toaster } from './Toaster'
import { Dialog } from './Dialog'
import { toast, useToasts } from '../../stores/toast'

function WithDialog() {
  const [open, setOpen] = useState(true)
  return (
    <>
      <Dialog open={open} onOpenChange={setOpen} title="Settings">
        <button type="button">Save</button>
      </Dialog>
      <Toaster />
    </>
  )
}

afterEach(() => {
  vi.useRealTimers()
  act(() => useToasts.setState({ toasts: [] }))
})

describe('Toaster', () => {
  it('Escape closes the open dialog first, then the newest toast', async () => {
    const user = userEvent.setup()
    render(<WithDialog />)
    act(() => toast.success('Settings saved.'))
    expect(screen.getByTestId('toast')).toHaveTextContent('Settings saved.')
    await user.keyboard('{Escape}')
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())
    expect(screen.getByTestId('toast')).toBeInTheDocument()
    await user.keyboard('{Escape}')
    expect(screen.queryByTestId('toast')).toBeNull()
  })

  it('goes away by itself, but not while the pointer is on it; errors are alerts', () => {
    vi.useFakeTimers()
    render(<Toaster />)
    act(() => toast.error('E2B is unreachable.'))
    const el = screen.getByRole('alert')
    act(() => el.dispatchEvent(new PointerEvent('pointerover', { bubbles: true })))
    act(() => vi.advanceTimersByTime(10000))
    expect(screen.getByRole('alert')).toBeInTheDocument()
    act(() => el.dispatchEvent(new PointerEvent('pointerout', { bubbles: true })))
    act(() => vi.advanceTimersByTime(6500))
    expect(screen.queryByRole('alert')).toBeNull()
  })

  it('the close button dismisses one toast', async () => {
    const user = userEvent.setup()
    render(<Toaster />)
    act(() => {
      toast.info('one')
      toast.info('two')
    })
    await user.click(screen.getAllByRole('button', { name: 'Dismiss' })[0])
    expect(screen.getAllByTestId('toast').map((t) => t.textContent)).toEqual(['two'])
  })
})
