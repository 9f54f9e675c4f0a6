import { act, render, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import * as api from '../../api'
import { ApiError } from '../../api'
import { fakeKeychain, type makeApiMock } from '../../test/apiMock'
import { defaultModelGroups, SettingsDialog } from './SettingsDialog'
import { RedirectConfirmDialog } from './RedirectConfirmDialog'
import { useUI } from '../../stores/ui'
import { useSettings, DEFAULT_SETTINGS } from '../../stores/settings'
import { useCatalog } from '../../stores/catalog'
import { TipProvider } from '../ui/Tip'
import { useToasts } from '../../stores/toast'

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
  m.settings.save.mockImplementation(async (s) => ({ settings: s }))
  useSettings.setState({ settings: { ...DEFAULT_SETTINGS }, keys: {}, keysError: null, loaded: true })
  useToasts.setState({ toasts: [] })
  useCatalog.setState({
    providers: [
      { id: 'openai', name: 'OpenAI', needsKey: true, local: false, hasKey: false, usable: false, models: [{ id: 'gpt', name: 'GPT', multimodal: true }], defaultModel: '', modelsFetchedAt: 0 },
      { id: 'ollama', name: 'Ollama', needsKey: false, local: true, hasKey: false, usable: true, models: [], defaultModel: '', modelsFetchedAt: 0 },
    ],
    templates: [],
    loaded: true,
  })
})

describe('Settings: write-only keys', () => {
  it('asks the keychain which keys exist, one field per provider that needs a key', async () => {
    renderDialog()
    await waitFor(() => expect(m.settings.keyStatus).toHaveBeenCalledWith(['e2b', 'llm:openai', 'llm:custom']))
    expect(screen.getByTestId('key-input-openai')).toBeInTheDocument()
    expect(screen.queryByTestId('key-input-ollama')).toBeNull()
    expect(screen.getByTestId('key-status-e2b')).toHaveTextContent('Not set')
  })

  it('keeps a key being typed when the provider list reloads (every save reloads it)', async () => {
    const user = userEvent.setup()
    renderDialog()
    await user.type(screen.getByTestId('key-input-e2b'), 'e2b_typed_while_it_reloads')
    // What a save's catalog reload does: a new provider list arrives.
    act(() => useCatalog.setState({ providers: [...useCatalog.getState().providers] }))
    await waitFor(() => expect(m.settings.keyStatus).toHaveBeenCalledTimes(2))
    expect(screen.getByTestId('key-input-e2b')).toHaveValue('e2b_typed_while_it_reloads')
    expect(screen.getByTestId('settings-save')).toHaveTextContent('Save (1 key)')
  })

  it('saves through SetKey, clears the field, shows Saved, and never puts the key in the DOM', async () => {
    const user = userEvent.setup()
    renderDialog()
    const input = screen.getByTestId('key-input-e2b')
    expect(input).toHaveAttribute('type', 'password')
    await user.type(input, SECRET)
    expect(screen.getByTestId('settings-save')).toHaveTextContent('Save (1 key)')
    await user.click(screen.getByTestId('settings-save'))
    await waitFor(() => expect(screen.getByTestId('key-status-e2b')).toHaveTextContent('Saved'))
    expect(m.settings.setKey).toHaveBeenCalledWith('e2b', SECRET)
    expect(screen.getByTestId('key-input-e2b')).toHaveValue('')
    expect(document.body.innerHTML).not.toContain(SECRET)
    expect(screen.getByTestId('key-remove-e2b')).toBeInTheDocument()
    expect(m.keyCheck.check).toHaveBeenCalledWith('e2b') // checked before anything is spent on it
  })

  it('empties the field before the keychain answers, so "Saved" never shows next to the key', async () => {
    let done: () => void = () => {}
    m.settings.setKey.mockImplementationOnce(() => new Promise<void>((r) => (done = r)))
    const seenWithSaved: string[] = []
    const unsub = useSettings.subscribe(() => {
      if (useSettings.getState().keys.e2b) seenWithSaved.push((screen.getByTestId('key-input-e2b') as HTMLInputElement).value)
    })
    const user = userEvent.setup()
    renderDialog()
    await user.type(screen.getByTestId('key-input-e2b'), SECRET)
    await user.click(screen.getByTestId('settings-save'))
    await waitFor(() => expect(m.settings.setKey).toHaveBeenCalled())
    expect(screen.getByTestId('key-input-e2b')).toHaveValue('')
    expect(document.body.innerHTML).not.toContain(SECRET)
    done()
    await waitFor(() => expect(screen.getByTestId('key-status-e2b')).toHaveTextContent('Saved'))
    unsub()
    expect(seenWithSaved.every((v) => v === '')).toBe(true)
  })

  it('shows the keychain sentence when saving fails, and keeps the status', async () => {
    m.settings.setKey.mockRejectedValueOnce(new ApiError('unavailable', 'The system keychain is locked. Unlock it and try again.'))
    const user = userEvent.setup()
    renderDialog()
    await user.type(screen.getByTestId('key-input-openai'), 'sk-x')
    await user.click(screen.getByTestId('settings-save'))
    // Beside its field, the draft given back, and no "saved" anywhere.
    expect(await screen.findByTestId('key-error-openai')).toHaveTextContent('The system keychain is locked. Unlock it and try again.')
    expect(screen.getByTestId('key-input-openai')).toHaveValue('sk-x')
    expect(screen.getByTestId('key-status-openai')).toHaveTextContent('Not saved yet')
    expect(screen.getByTestId('settings-error')).toHaveTextContent('not every key')
    expect(useToasts.getState().toasts.some((t) => t.kind === 'success')).toBe(false)
  })

  it('removes a saved key', async () => {
    fakeKeychain.add('e2b')
    const user = userEvent.setup()
    renderDialog()
    await waitFor(() => expect(screen.getByTestId('key-status-e2b')).toHaveTextContent('Saved'))
    await user.click(screen.getByTestId('key-remove-e2b'))
    await user.click(screen.getByTestId('key-remove-confirm-e2b'))
    await waitFor(() => expect(screen.getByTestId('key-status-e2b')).toHaveTextContent('Not set'))
    expect(m.settings.deleteKey).toHaveBeenCalledWith('e2b')
  })
})

describe('Settings: preferences', () => {
  it('saves the E2B domain and shows validation sentences', async () => {
    vi.stubGlobal('location', { ...window.location, reload: vi.fn() })
    const user = userEvent.setup()
    renderDialog()
    const domain = screen.getByTestId('e2b-domain-input')
    await user.clear(domain)
    await user.type(domain, 'e2b.example.com')
    await user.click(screen.getByTestId('settings-save'))
    await waitFor(() => expect(m.settings.save).toHaveBeenCalled())
    expect(m.settings.save.mock.calls[0][0]).toMatchObject({ e2bDomain: 'e2b.example.com', sandboxTimeoutMinutes: 60 })

    m.settings.save.mockRejectedValueOnce(
      new ApiError('invalid', 'The E2B domain must be a host name such as e2b.app or e2b.example.com.', { field: 'e2bDomain' }),
    )
    await user.click(screen.getByTestId('settings-save'))
    // Once, beside its field.
    expect(await screen.findByTestId('field-error-e2b-domain')).toHaveTextContent('The E2B domain must be a host name')
    expect(screen.getAllByText(/The E2B domain must be a host name/)).toHaveLength(1)
    expect(screen.getByTestId('e2b-domain-input')).toHaveAttribute('aria-invalid', 'true')
    vi.unstubAllGlobals()
  })

  it('puts each refusal beside its field, and one without a field beside Save', async () => {
    const user = userEvent.setup()
    renderDialog()
    m.settings.save.mockRejectedValueOnce(new ApiError('invalid', 'The idle pause must be at least 1 minute.', { field: 'idlePauseMinutes' }))
    await user.click(screen.getByTestId('settings-save'))
    expect(await screen.findByTestId('field-error-idle-pause')).toHaveTextContent('The idle pause must be at least 1 minute.')
    m.settings.save.mockRejectedValueOnce(new ApiError('internal', 'Tessera could not save the settings.'))
    await user.click(screen.getByTestId('settings-save'))
    expect(await screen.findByTestId('settings-error')).toHaveTextContent('Tessera could not save the settings.')
    expect(screen.queryByTestId('field-error-idle-pause')).toBeNull()
  })

  it('saves the projects folder, and shows its refusal beside it', async () => {
    const user = userEvent.setup()
    renderDialog()
    await user.type(screen.getByTestId('workspace-root-input'), 'relative/dir')
    m.settings.save.mockRejectedValueOnce(new ApiError('invalid', 'Give the projects folder as a full path.', { field: 'workspaceRoot' }))
    await user.click(screen.getByTestId('settings-save'))
    expect(await screen.findByTestId('field-error-workspace-root')).toHaveTextContent('Give the projects folder as a full path.')
    expect(m.settings.save).toHaveBeenLastCalledWith(expect.objectContaining({ workspaceRoot: 'relative/dir' }))
  })

  it('saves a typed key only after the settings it may depend on, and nothing when the settings are refused', async () => {
    const user = userEvent.setup()
    renderDialog()
    await user.type(screen.getByTestId('key-input-e2b'), 'e2b_key')
    m.settings.save.mockRejectedValueOnce(new ApiError('invalid', 'Bad domain.', { field: 'e2bDomain' }))
    await user.click(screen.getByTestId('settings-save'))
    await screen.findByTestId('field-error-e2b-domain')
    expect(m.settings.setKey).not.toHaveBeenCalled()
    expect(screen.getByTestId('key-input-e2b')).toHaveValue('e2b_key') // kept for the next try
    await user.click(screen.getByTestId('settings-save'))
    await waitFor(() => expect(m.settings.setKey).toHaveBeenCalledWith('e2b', 'e2b_key'))
    expect(m.settings.save.mock.invocationCallOrder[1]).toBeLessThan(m.settings.setKey.mock.invocationCallOrder[0])
    await waitFor(() => expect(useToasts.getState().toasts).toContainEqual(expect.objectContaining({ kind: 'success', message: 'Settings saved.' })))
  })

  it('a saved key that E2B refuses gets one signal: the red refusal, no success notice, no green Saved', async () => {
    const user = userEvent.setup()
    renderDialog()
    m.keyCheck.check.mockResolvedValueOnce({ ok: false, message: 'E2B did not accept the API key. Paste the right key in this field and Save.' })
    await user.type(screen.getByTestId('key-input-e2b'), 'e2b_wrong')
    await user.click(screen.getByTestId('settings-save'))
    expect(await screen.findByTestId('settings-error')).toHaveTextContent('a key was refused')
    await waitFor(() => expect(screen.getByTestId('key-status-e2b')).toHaveTextContent('Saved · refused'))
    expect(screen.getByTestId('key-status-e2b').className).toContain('text-destructive')
    expect(useToasts.getState().toasts.some((t) => t.kind === 'success')).toBe(false)
    expect(document.body.textContent).not.toContain('in Settings')
  })

  it('shows configured providers first and the others collapsed', async () => {
    fakeKeychain.add('llm:openai')
    useCatalog.setState({
      providers: [
        { id: 'openai', name: 'OpenAI', needsKey: true, local: false, hasKey: true, usable: true, models: [{ id: 'gpt', name: 'GPT', multimodal: true }], defaultModel: '', modelsFetchedAt: 0 },
        { id: 'anthropic', name: 'Anthropic', needsKey: true, local: false, hasKey: false, usable: false, models: [{ id: 'claude', name: 'Claude', multimodal: true }], defaultModel: '', modelsFetchedAt: 0 },
      ],
    })
    renderDialog()
    const configured = screen.getByTestId('configured-providers')
    await waitFor(() => expect(configured).toContainElement(screen.getByTestId('key-input-openai')))
    const more = screen.getByTestId('more-providers') as HTMLDetailsElement
    expect(more.open).toBe(false)
    expect(more).toContainElement(screen.getByTestId('key-input-anthropic'))
    expect(more).toContainElement(screen.getByTestId('custom-base-url-input'))
  })

  it('offers as default model only providers that can answer, and keeps a saved choice visible', () => {
    const p = (id: string, usable: boolean) => ({ id, name: id.toUpperCase(), needsKey: true, local: false, hasKey: usable, usable, models: [{ id: `${id}-m`, name: `${id} model`, multimodal: false }], defaultModel: '', modelsFetchedAt: 0 })
    const labels = (g: ReturnType<typeof defaultModelGroups>) => g.map((x) => x.label)
    expect(labels(defaultModelGroups([p('openai', true), p('anthropic', false)], ''))).toEqual(['', 'OPENAI'])
    expect(labels(defaultModelGroups([p('openai', true), p('anthropic', false)], 'anthropic'))).toEqual(['', 'OPENAI', 'ANTHROPIC (needs a key)'])
  })

  it('opens on the provider list when nothing is configured yet', () => {
    renderDialog()
    expect((screen.getByTestId('more-providers') as HTMLDetailsElement).open).toBe(true)
  })

  it('asks before a new E2B domain gets the key, and saves only after Confirm', async () => {
    const user = userEvent.setup()
    const reload = vi.fn()
    vi.stubGlobal('location', { ...window.location, reload })
    const confirm = { token: 't0k', destinations: [{ account: 'e2b', name: 'E2B', from: 'https://api.e2b.app', to: 'https://api.evil.example' }] }
    m.settings.save.mockImplementation(async () => ({ settings: { ...DEFAULT_SETTINGS }, confirm }))
    m.settings.confirmSave.mockImplementation(async () => ({ ...DEFAULT_SETTINGS, e2bDomain: 'evil.example' }))
    useUI.setState({ settingsOpen: true })
    render(
      <TipProvider>
        <SettingsDialog version="0.1.0" />
        <RedirectConfirmDialog />
      </TipProvider>,
    )
    const domain = screen.getByTestId('e2b-domain-input')
    await user.clear(domain)
    await user.type(domain, 'evil.example')
    await user.click(screen.getByTestId('settings-save'))
    const list = await screen.findByTestId('redirect-destinations')
    expect(list).toHaveTextContent('Your E2B key')
    expect(list).toHaveTextContent('https://api.evil.example')
    expect(useSettings.getState().settings.e2bDomain).toBe('e2b.app') // nothing applied yet
    await user.click(screen.getByTestId('redirect-confirm'))
    await waitFor(() => expect(m.settings.confirmSave).toHaveBeenCalledWith('t0k'))
    await waitFor(() => expect(useSettings.getState().settings.e2bDomain).toBe('evil.example'))
    expect(useSettings.getState().redirect).toBeNull()
    await waitFor(() => expect(reload).toHaveBeenCalled()) // the page's CSP names the domain
    vi.unstubAllGlobals()
  })

  it('saves nothing when the person cancels the new destination', async () => {
    const user = userEvent.setup()
    const confirm = { token: 't0k', destinations: [{ account: 'e2b', name: 'E2B', from: 'https://api.e2b.app', to: 'https://api.evil.example' }] }
    m.settings.save.mockImplementation(async () => ({ settings: { ...DEFAULT_SETTINGS }, confirm }))
    const pending = useSettings.getState().save({ ...DEFAULT_SETTINGS, e2bDomain: 'evil.example' })
    render(<RedirectConfirmDialog />)
    await user.click(await screen.findByTestId('redirect-cancel'))
    await expect(pending).resolves.toBeNull()
    expect(m.settings.confirmSave).not.toHaveBeenCalled()
    expect(useSettings.getState().settings.e2bDomain).toBe('e2b.app')
  })

  it('closes with settings-close', async () => {
    const user = userEvent.setup()
    renderDialog()
    await user.click(screen.getByTestId('settings-close'))
    act(() => {})
    expect(useUI.getState().settingsOpen).toBe(false)
  })
})

describe('Settings: custom OpenAI-compatible server', () => {
  it('saves base URL and models into customProviders, keeping other entries, then reloads the catalog', async () => {
    const other = { id: 'vllm', name: 'My vLLM', base_url: 'http://gpu:8000/v1', models: [{ id: 'q' }] }
    useSettings.setState({
      settings: { ...DEFAULT_SETTINGS, customProviders: { providers: [other], models: [{ provider_id: 'openai', id: 'gpt-x' }] } },
    })
    const user = userEvent.setup()
    renderDialog()
    await user.type(screen.getByTestId('custom-base-url-input'), 'http://localhost:8000/v1')
    await user.type(screen.getByTestId('custom-models-input'), 'qwen3-coder, llama-3, qwen3-coder,')
    await user.click(screen.getByTestId('settings-save'))
    await waitFor(() => expect(m.settings.save).toHaveBeenCalledTimes(1))
    expect(m.settings.save.mock.calls[0][0].customProviders).toEqual({
      providers: [
        other,
        {
          id: 'custom',
          base_url: 'http://localhost:8000/v1',
          models: [
            { id: 'qwen3-coder', name: 'qwen3-coder', multimodal: false },
            { id: 'llama-3', name: 'llama-3', multimodal: false },
          ],
        },
      ],
      models: [{ provider_id: 'openai', id: 'gpt-x' }],
    })
    await waitFor(() => expect(m.catalog.providers).toHaveBeenCalled())
    expect(screen.queryByTestId('custom-provider-error')).toBeNull()
  })

  it('refuses a URL that is not http(s) without calling the backend', async () => {
    const user = userEvent.setup()
    renderDialog()
    await user.type(screen.getByTestId('custom-base-url-input'), 'ftp://example.com')
    await user.click(screen.getByTestId('settings-save'))
    expect(screen.getByTestId('custom-provider-error')).toHaveTextContent('must start with http:// or https://')
    expect(screen.getByTestId('custom-base-url-input')).toHaveAttribute('aria-invalid', 'true')
    expect(m.settings.save).not.toHaveBeenCalled()
  })

  it("shows the backend's sentence inline when it rejects the providers", async () => {
    const sentence = 'The base URL of the provider "custom" is not valid (no host). Use something like http://localhost:8000/v1.'
    m.settings.save.mockRejectedValueOnce(new ApiError('invalid', sentence, { field: 'customProviders' }))
    const user = userEvent.setup()
    renderDialog()
    await user.type(screen.getByTestId('custom-base-url-input'), 'http://localhost:8000/v1')
    await user.click(screen.getByTestId('settings-save'))
    expect(await screen.findByTestId('custom-provider-error')).toHaveTextContent(sentence)
  })

  it('overrides the Ollama base URL and has a write-only key field for llm:custom', async () => {
    const user = userEvent.setup()
    renderDialog()
    await user.type(screen.getByTestId('ollama-base-url-input'), 'http://nas:11434/v1')
    await user.click(screen.getByTestId('settings-save'))
    await waitFor(() => expect(m.settings.save).toHaveBeenCalledTimes(1))
    expect(m.settings.save.mock.calls[0][0].customProviders).toEqual({ providers: [{ id: 'ollama', base_url: 'http://nas:11434/v1' }] })

    await user.type(screen.getByTestId('key-input-custom'), 'sk-local')
    await user.click(screen.getByTestId('settings-save'))
    await waitFor(() => expect(m.settings.setKey).toHaveBeenCalledWith('llm:custom', 'sk-local'))
    expect(screen.getByTestId('key-input-custom')).toHaveValue('')
  })

  it('marks the server\'s models as taking images', async () => {
    const user = userEvent.setup()
    renderDialog()
    await user.type(screen.getByTestId('custom-base-url-input'), 'http://localhost:8000/v1')
    await user.type(screen.getByTestId('custom-models-input'), 'llava')
    await user.click(screen.getByTestId('custom-images-input'))
    await user.click(screen.getByTestId('settings-save'))
    await waitFor(() => expect(m.settings.save).toHaveBeenCalledTimes(1))
    expect(m.settings.save.mock.calls[0][0].customProviders).toEqual({
      providers: [{ id: 'custom', base_url: 'http://localhost:8000/v1', models: [{ id: 'llava', name: 'llava', multimodal: true }] }],
    })
  })

  it('saving twice keeps the custom server saved the first time', async () => {
    const user = userEvent.setup()
    renderDialog()
    await user.type(screen.getByTestId('custom-base-url-input'), 'http://localhost:8000/v1')
    await user.click(screen.getByTestId('settings-save'))
    await waitFor(() => expect(m.settings.save).toHaveBeenCalledTimes(1))
    await user.click(screen.getByTestId('settings-save'))
    await waitFor(() => expect(m.settings.save).toHaveBeenCalledTimes(2))
    expect(m.settings.save.mock.calls[1][0].customProviders).toEqual(m.settings.save.mock.calls[0][0].customProviders)
  })
})

describe('Settings: refresh models', () => {
  it('refreshes a usable provider with a spinner, then reloads the providers', async () => {
    let finish!: (v: { id: string; name: string; multimodal: boolean }[]) => void
    m.catalog.refreshModels.mockImplementationOnce(() => new Promise((res) => (finish = res)))
    const user = userEvent.setup()
    renderDialog()
    expect(screen.queryByTestId('refresh-models-openai')).toBeNull() // not usable
    await user.click(screen.getByTestId('refresh-models-ollama'))
    expect(m.catalog.refreshModels).toHaveBeenCalledWith('ollama')
    expect(screen.getByTestId('refresh-models-spinner-ollama')).toBeInTheDocument()
    expect(screen.getByTestId('refresh-models-ollama')).toBeDisabled()
    const after = [{ id: 'llama3', name: 'llama3', multimodal: false }]
    m.catalog.providers.mockImplementation(async () =>
      useCatalog.getState().providers.map((p) => (p.id === 'ollama' ? { ...p, models: after } : p)),
    )
    await act(async () => finish(after))
    await waitFor(() => expect(screen.getByTestId('provider-model-count-ollama')).toHaveTextContent('1 model'))
    expect(screen.queryByTestId('refresh-models-spinner-ollama')).toBeNull()
    expect(m.catalog.providers).toHaveBeenCalled()
  })

  it('shows the failure as a toast with the sentence', async () => {
    const { useToasts } = await import('../../stores/toast')
    useToasts.setState({ toasts: [] })
    m.catalog.refreshModels.mockRejectedValueOnce(new ApiError('unavailable', 'Ollama is not running on this computer. Start it and try again.'))
    const user = userEvent.setup()
    renderDialog()
    await user.click(screen.getByTestId('refresh-models-ollama'))
    await waitFor(() =>
      expect(useToasts.getState().toasts).toContainEqual(
        expect.objectContaining({ kind: 'error', message: 'Ollama is not running on this computer. Start it and try again.' }),
      ),
    )
    expect(screen.getByTestId('refresh-models-ollama')).not.toBeDisabled()
  })
})

describe('Settings: the E2B domain and E2B_DOMAIN', () => {
  it('says when the environment variable overrides the field, and not otherwise', () => {
    useUI.setState({ settingsOpen: true })
    const { unmount } = render(
      <TipProvider>
        <SettingsDialog version="0.1.0" />
      </TipProvider>,
    )
    expect(screen.queryByTestId('e2b-domain-env')).toBeNull()
    unmount()
    render(
      <TipProvider>
        <SettingsDialog version="0.1.0" e2bDomainEnv="e2b.internal.example" />
      </TipProvider>,
    )
    expect(screen.getByTestId('e2b-domain-env')).toHaveTextContent('E2B_DOMAIN is set, so Tessera uses e2b.internal.example instead of this field')
  })
})

describe('Settings: E2B prices for the cost estimate', () => {
  it("shows E2B's published prices and saves the person's own", async () => {
    const user = userEvent.setup()
    renderDialog()
    const cpu = screen.getByTestId('vcpu-price-input') as HTMLInputElement
    expect(cpu.value).toBe('0.000014')
    expect((screen.getByTestId('gib-price-input') as HTMLInputElement).value).toBe('0.0000045')
    expect(screen.getByTestId('price-hint')).toHaveTextContent('e2b.dev/pricing')
    await user.clear(cpu)
    await user.type(cpu, '0.00002')
    await user.click(screen.getByTestId('settings-save'))
    await waitFor(() => expect(m.settings.save).toHaveBeenCalled())
    expect(m.settings.save.mock.calls[0][0]).toMatchObject({ vcpuPricePerSecond: 0.00002, gibPricePerSecond: 0.0000045 })
  })

  it('shows a refused price beside its field', async () => {
    m.settings.save.mockRejectedValueOnce(new ApiError('invalid', 'The price per vCPU-second must be an amount in US dollars between 0 and 1.', { field: 'vcpuPricePerSecond' }))
    const user = userEvent.setup()
    renderDialog()
    await user.clear(screen.getByTestId('vcpu-price-input'))
    await user.type(screen.getByTestId('vcpu-price-input'), '5')
    await act(async () => {
      await user.click(screen.getByTestId('settings-save'))
    })
    expect(await screen.findByText(/price per vCPU-second must be/)).toBeInTheDocument()
    expect(screen.getByTestId('vcpu-price-input')).toHaveAttribute('aria-invalid', 'true')
  })
})
