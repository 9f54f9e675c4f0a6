import { useState } from 'react'
import { act, render, screen, waitFor, within } from '@testing-library/react'
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

describe('notice rules', () => {
  it('the same action twice replaces its notice instead of stacking a copy', () => {
    render(<Toaster />)
    act(() => {
      toast.success('Settings saved.')
      toast.success('Settings saved.')
      toast.success('Settings saved.')
    })
    expect(screen.getAllByTestId('toast').map((t) => t.textContent)).toEqual(['Settings saved.'])
    act(() => {
      toast.info('The last exchange was undone.', 'undo-redo')
      toast.info('The exchange is back.', 'undo-redo')
    })
    expect(screen.getAllByTestId('toast').map((t) => t.textContent)).toEqual(['Settings saved.', 'The exchange is back.'])
  })

  it('a replaced notice starts its time again', () => {
    vi.useFakeTimers()
    render(<Toaster />)
    act(() => toast.info('Saved app.py.', 'save'))
    act(() => vi.advanceTimersByTime(5000))
    act(() => toast.info('Saved app.py.', 'save'))
    act(() => vi.advanceTimersByTime(5000))
    expect(screen.getByTestId('toast')).toHaveTextContent('Saved app.py.')
    act(() => vi.advanceTimersByTime(1500))
    expect(screen.queryByTestId('toast')).toBeNull()
  })

  it('one action, one notice: a warning joins the sentence and makes it an error', () => {
    render(<Toaster />)
    act(() => toast.outcome('Uploaded a.csv.', 'It is not in the sandbox yet.'))
    const shown = screen.getAllByTestId('toast')
    expect(shown).toHaveLength(1)
    expect(shown[0]).toHaveAttribute('data-kind', 'error')
    expect(shown[0]).toHaveTextContent('Uploaded a.csv. It is not in the sandbox yet.')
    act(() => toast.outcome('Pushed.', null))
    expect(screen.getAllByTestId('toast').at(-1)).toHaveAttribute('data-kind', 'success')
  })

  it('keeps at most three notices', () => {
    render(<Toaster />)
    act(() => ['a', 'b', 'c', 'd'].forEach((m) => toast.info(m)))
    expect(screen.getAllByTestId('toast').map((t) => t.textContent)).toEqual(['b', 'c', 'd'])
  })

  it('dismissing a notice while a dialog is open does not close the dialog', async () => {
    const user = userEvent.setup()
    render(<WithDialog />)
    act(() => toast.info('Models listed.'))
    // Radix hides everything but the dialog from the accessibility tree, so by test id.
    await user.click(within(screen.getByTestId('toast')).getByLabelText('Dismiss'))
    expect(screen.queryByTestId('toast')).toBeNull()
    expect(screen.getByRole('dialog')).toBeInTheDocument()
  })
})
