import { act, render, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import * as api from '../../api'
import { ApiError } from '../../api'
import { fakeKeychain, type makeApiMock } from '../../test/apiMock'
import { SettingsDialog } from './SettingsDialog'
import { useUI } from '../../stores/ui'
import { useSettings, DEFAULT_SETTINGS } from '../../stores/settings'
import { useCatalog } from '../../stores/catalog'
import { TipProvider } from '../ui/Tip'

vi.mock('../../api', async (importOriginal) => {
  const { makeApiMock } = await import('../../test/apiMock')
  return makeApiMock(await importOriginal())
})
const m = api as unknown as ReturnType<typeof makeApiMock>

const SECRET = 'e2b_sk_live_0123456789abcdef'

function renderDialog() {
  useUI.setState({ settingsOpen: true })
  return render(
    <TipProvider>
      <SettingsDialog version="0.1.0" />
    </TipProvider>,
  )
}

beforeEach(() => {
  vi.clearAllMocks()
  fakeKeychain.clear()
  m.catalog.providers.mockImplementation(async () => useCatalog.getState().providers)
  useSettings.setState({ settings: { ...DEFAULT_SETTINGS }, keys: {}, keysError: null, loaded: true })
  useCatalog.setState({
    providers: [
      { id: 'openai', name: 'OpenAI', needsKey: true, local: false, hasKey: false, usable: false, models: [{ id: 'gpt', name: 'GPT', multimodal: true }] },
      { id: 'ollama', name: 'Ollama', needsKey: false, local: true, hasKey: false, usable: true, models: [] },
    ],
    templates: [],
    loaded: true,
  })
})

describe('Settings: write-only keys', () => {
  it('asks the keychain which keys exist, one field per provider that needs a key', async () => {
    renderDialog()
    await waitFor(() => expect(m.settings.keyStatus).toHaveBeenCalledWith(['e2b', 'llm:openai']))
    expect(screen.getByTestId('key-input-openai')).toBeInTheDocument()
    expect(screen.queryByTestId('key-input-ollama')).toBeNull()
    expect(screen.getByTestId('key-status-e2b')).toHaveTextContent('Not set')
  })

  it('saves through SetKey, clears the field, shows Saved, and never puts the key in the DOM', async () => {
    const user = userEvent.setup()
    renderDialog()
    const input = screen.getByTestId('key-input-e2b')
    expect(input).toHaveAttribute('type', 'password')
    await user.type(input, SECRET)
    await user.click(screen.getByTestId('key-save-e2b'))
    await waitFor(() => expect(screen.getByTestId('key-status-e2b')).toHaveTextContent('Saved'))
    expect(m.settings.setKey).toHaveBeenCalledWith('e2b', SECRET)
    expect(screen.getByTestId('key-input-e2b')).toHaveValue('')
    expect(document.body.innerHTML).not.toContain(SECRET)
    expect(screen.getByTestId('key-remove-e2b')).toBeInTheDocument()
  })

  it('shows the keychain sentence when saving fails, and keeps the status', async () => {
    m.settings.setKey.mockRejectedValueOnce(new ApiError('unavailable', 'The system keychain is locked. Unlock it and try again.'))
    const user = userEvent.setup()
    renderDialog()
    await user.type(screen.getByTestId('key-input-openai'), 'sk-x')
    await user.click(screen.getByTestId('key-save-openai'))
    expect(await screen.findByText('The system keychain is locked. Unlock it and try again.')).toBeInTheDocument()
    expect(screen.getByTestId('key-status-openai')).toHaveTextContent('Not set')
  })

  it('removes a saved key', async () => {
    fakeKeychain.add('e2b')
    const user = userEvent.setup()
    renderDialog()
    await waitFor(() => expect(screen.getByTestId('key-status-e2b')).toHaveTextContent('Saved'))
    await user.click(screen.getByTestId('key-remove-e2b'))
    await waitFor(() => expect(screen.getByTestId('key-status-e2b')).toHaveTextContent('Not set'))
    expect(m.settings.deleteKey).toHaveBeenCalledWith('e2b')
  })
})

describe('Settings: preferences', () => {
  it('saves the E2B domain and shows validation sentences', async () => {
    const user = userEvent.setup()
    renderDialog()
    const domain = screen.getByTestId('e2b-domain-input')
    await user.clear(domain)
    await user.type(domain, 'e2b.example.com')
    await user.click(screen.getByTestId('settings-save'))
    await waitFor(() => expect(m.settings.save).toHaveBeenCalled())
    expect(m.settings.save.mock.calls[0][0]).toMatchObject({ e2bDomain: 'e2b.example.com', sandboxTimeoutMinutes: 60 })

    m.settings.save.mockRejectedValueOnce(new ApiError('invalid', 'The E2B domain must be a host name such as e2b.app or e2b.example.com.'))
    await user.click(screen.getByTestId('settings-save'))
    expect(await screen.findByText('The E2B domain must be a host name such as e2b.app or e2b.example.com.')).toBeInTheDocument()
  })

  it('closes with settings-close', async () => {
    const user = userEvent.setup()
    renderDialog()
    await user.click(screen.getByTestId('settings-close'))
    act(() => {})
    expect(useUI.getState().settingsOpen).toBe(false)
  })
})
