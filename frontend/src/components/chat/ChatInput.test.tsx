import { render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import { ChatInput } from './ChatInput'
import { TipProvider } from '../ui/Tip'
import { useUI } from '../../stores/ui'

vi.mock('../../api', async (importOriginal) => {
  const { makeApiMock } = await import('../../test/apiMock')
  return makeApiMock(await importOriginal())
})

const renderInput = (multimodal: boolean) =>
  render(
    <TipProvider>
      <ChatInput projectId="p1" multimodal={multimodal} canSend />
    </TipProvider>,
  )

describe('ChatInput: attaching images', () => {
  it('says on screen why a model without images cannot take one, with the way to Settings', async () => {
    const user = userEvent.setup()
    renderInput(false)
    const attach = screen.getByTestId('chat-attach')
    expect(attach).toHaveAttribute('aria-disabled', 'true')
    expect(attach).not.toBeDisabled() // focusable, so the reason can be reached by keyboard too
    expect(screen.queryByTestId('chat-attach-hint')).toBeNull()
    await user.click(attach)
    expect(screen.getByTestId('chat-attach-hint')).toHaveTextContent('The chosen model does not take images')
    expect(attach).toHaveAttribute('aria-describedby', 'chat-attach-hint')
    await user.click(screen.getByRole('button', { name: 'Settings' }))
    expect(useUI.getState().settingsOpen).toBe(true)
    await user.click(screen.getByRole('button', { name: 'Hide' }))
    expect(screen.queryByTestId('chat-attach-hint')).toBeNull()
  })

  it('opens the file chooser for a model that takes images', async () => {
    const user = userEvent.setup()
    const { container } = renderInput(true)
    const file = container.querySelector('input[type="file"]') as HTMLInputElement
    const click = vi.spyOn(file, 'click')
    await user.click(screen.getByTestId('chat-attach'))
    expect(click).toHaveBeenCalled()
    expect(screen.queryByTestId('chat-attach-hint')).toBeNull()
  })
})
