import { render, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import * as api from '../../api'
import { ApiError } from '../../api'
import { fakeKeychain, type makeApiMock } from '../../test/apiMock'
import { KeyField } from './KeyField'
import { useSettings, DEFAULT_SETTINGS } from '../../stores/settings'
import { useKeyChecks } from '../../stores/keycheck'

vi.mock('../../api', async (importOriginal) => {
  const { makeApiMock } = await import('../../test/apiMock')
  return makeApiMock(await importOriginal())
})
const m = api as unknown as ReturnType<typeof makeApiMock>

beforeEach(() => {
  vi.clearAllMocks()
  fakeKeychain.clear()
  useSettings.setState({ settings: { ...DEFAULT_SETTINGS }, keys: {}, keysError: null, loaded: true })
  useKeyChecks.setState({ results: {} })
})

describe('KeyField: the key is checked when saved', () => {
  it.each([
    { account: 'llm:xai', target: 'llm:xai', ok: true, message: 'Works: xAI lists 9 models.' },
    { account: 'llm:xai', target: 'llm:xai', ok: false, message: 'xAI did not accept the API key (Incorrect API key provided). Check the xAI key in Settings.' },
    { account: 'e2b', target: 'e2b', ok: true, message: 'Works: E2B answered (0 sandboxes on this account).' },
    { account: 'e2b', target: 'e2b', ok: false, message: 'E2B did not accept the API key. Check the E2B key in Settings.' },
  ])('$account ok=$ok shows the check result', async ({ account, target, ok, message }) => {
    let answer: (v: api.KeyCheck) => void = () => {}
    m.keyCheck.check.mockImplementationOnce(() => new Promise((r) => (answer = r)))
    const user = userEvent.setup()
    render(<KeyField account={account} testId="k" label="Key" />)
    await user.type(screen.getByTestId('key-input-k'), 'secret-value')
    await user.click(screen.getByTestId('key-save-k'))
    await waitFor(() => expect(screen.getByTestId('key-check-k')).toHaveAttribute('data-state', 'checking'))
    expect(m.keyCheck.check).toHaveBeenCalledWith(target)
    answer({ ok, message })
    await waitFor(() => expect(screen.getByTestId('key-check-k')).toHaveAttribute('data-state', ok ? 'ok' : 'failed'))
    expect(screen.getByTestId('key-check-k')).toHaveTextContent(message)
    expect(document.body.innerHTML).not.toContain('secret-value')
  })

  it('checks again on demand, shows a failed call as a sentence, and forgets the result when the key is removed', async () => {
    fakeKeychain.add('llm:openai')
    useSettings.setState({ keys: { 'llm:openai': true } })
    m.keyCheck.check.mockRejectedValueOnce(new ApiError('unavailable', 'Could not reach OpenAI at api.openai.com. Check your internet connection.'))
    const user = userEvent.setup()
    render(<KeyField account="llm:openai" testId="openai" label="OpenAI" />)
    await user.click(screen.getByTestId('key-check-button-openai'))
    await waitFor(() => expect(screen.getByTestId('key-check-openai')).toHaveTextContent('Could not reach OpenAI'))
    await user.click(screen.getByTestId('key-check-button-openai'))
    await waitFor(() => expect(screen.getByTestId('key-check-openai')).toHaveTextContent('Works: llm:openai answered.'))
    await user.click(screen.getByTestId('key-remove-openai'))
    await waitFor(() => expect(screen.queryByTestId('key-check-openai')).toBeNull())
  })
})

describe('KeyField: the secret never shares the page with "Saved"', () => {
  it('empties the field before the keychain answers, so "Saved" never shows next to the key', async () => {
    let done: () => void = () => {}
    m.settings.setKey.mockImplementationOnce(() => new Promise<void>((r) => (done = r)))
    const seenWithSaved: string[] = []
    const unsub = useSettings.subscribe(() => {
      // Whenever the store says "saved", the input must already be empty.
      if (useSettings.getState().keys.e2b) seenWithSaved.push((screen.getByTestId('key-input-e2b') as HTMLInputElement).value)
    })
    const user = userEvent.setup()
    render(<KeyField account="e2b" testId="e2b" label="E2B" />)
    await user.type(screen.getByTestId('key-input-e2b'), 'e2b_secret_value')
    await user.click(screen.getByTestId('key-save-e2b'))
    expect(screen.getByTestId('key-input-e2b')).toHaveValue('')
    expect(document.body.innerHTML).not.toContain('e2b_secret_value')
    done()
    await waitFor(() => expect(screen.getByTestId('key-status-e2b')).toHaveTextContent('Saved'))
    unsub()
    expect(seenWithSaved.every((v) => v === '')).toBe(true)
    expect(document.body.innerHTML).not.toContain('e2b_secret_value')
  })

  it('gives the key back when the keychain refuses it', async () => {
    m.settings.setKey.mockRejectedValueOnce(new ApiError('unavailable', 'The keychain is locked. Unlock it and try again.'))
    const user = userEvent.setup()
    render(<KeyField account="e2b" testId="e2b" label="E2B" />)
    await user.type(screen.getByTestId('key-input-e2b'), 'e2b_secret_value')
    await user.click(screen.getByTestId('key-save-e2b'))
    await waitFor(() => expect(screen.getByRole('alert')).toHaveTextContent('keychain is locked'))
    expect(screen.getByTestId('key-input-e2b')).toHaveValue('e2b_secret_value')
    expect(screen.getByTestId('key-status-e2b')).toHaveTextContent('Not set')
  })
})
