import { useState } from 'react'
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

function Controlled({ account, testId }: { account: string; testId: string }) {
  const [v, setV] = useState('')
  return <KeyField account={account} testId={testId} label="Key" value={v} onChange={setV} />
}

describe('KeyField: a saved key', () => {
  it('checks again on demand, shows a failed call as a sentence, and forgets the result when the key is removed', async () => {
    fakeKeychain.add('llm:openai')
    useSettings.setState({ keys: { 'llm:openai': true } })
    m.keyCheck.check.mockRejectedValueOnce(new ApiError('unavailable', 'Could not reach OpenAI at api.openai.com. Check your internet connection.'))
    const user = userEvent.setup()
    render(<Controlled account="llm:openai" testId="openai" />)
    await user.click(screen.getByTestId('key-check-button-openai'))
    await waitFor(() => expect(screen.getByTestId('key-check-openai')).toHaveTextContent('Could not reach OpenAI'))
    await user.click(screen.getByTestId('key-check-button-openai'))
    await waitFor(() => expect(screen.getByTestId('key-check-openai')).toHaveTextContent('Works: llm:openai answered.'))
    await user.click(screen.getByTestId('key-remove-openai'))
    await user.click(screen.getByTestId('key-remove-confirm-openai'))
    await waitFor(() => expect(screen.queryByTestId('key-check-openai')).toBeNull())
    expect(m.settings.deleteKey).toHaveBeenCalledWith('llm:openai')
  })

  it('asks before removing (a removed key cannot come back), and Keep keeps it', async () => {
    fakeKeychain.add('e2b')
    useSettings.setState({ keys: { e2b: true } })
    const user = userEvent.setup()
    render(<Controlled account="e2b" testId="e2b" />)
    await user.click(screen.getByTestId('key-remove-e2b'))
    expect(screen.getByTestId('key-remove-ask-e2b')).toHaveTextContent('deleted from the keychain')
    await user.click(screen.getByTestId('key-remove-cancel-e2b'))
    expect(m.settings.deleteKey).not.toHaveBeenCalled()
    expect(screen.getByTestId('key-status-e2b')).toHaveTextContent('Saved')
    expect(screen.queryByTestId('key-remove-ask-e2b')).toBeNull()
  })

  it('says a typed key is not saved yet, and that it will replace a saved one', async () => {
    const user = userEvent.setup()
    const { unmount } = render(<Controlled account="e2b" testId="e2b" />)
    await user.type(screen.getByTestId('key-input-e2b'), 'x')
    expect(screen.getByTestId('key-status-e2b')).toHaveTextContent('Not saved yet')
    unmount()
    useSettings.setState({ keys: { e2b: true } })
    render(<Controlled account="e2b" testId="e2b" />)
    await user.type(screen.getByTestId('key-input-e2b'), 'x')
    expect(screen.getByTestId('key-status-e2b')).toHaveTextContent('Saved · will be replaced')
  })
})
