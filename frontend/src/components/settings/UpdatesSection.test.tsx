import { render, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import * as api from '../../api'
import { ApiError } from '../../api'
import { type makeApiMock } from '../../test/apiMock'
import { SettingsDialog } from './SettingsDialog'
import { useUI } from '../../stores/ui'
import { useSettings, DEFAULT_SETTINGS } from '../../stores/settings'
import { useCatalog } from '../../stores/catalog'
import { useUpdate } from '../../stores/update'
import { TipProvider } from '../ui/Tip'

vi.mock('../../api', async (importOriginal) => {
  const { makeApiMock } = await import('../../test/apiMock')
  return makeApiMock(await importOriginal())
})
const m = api as unknown as ReturnType<typeof makeApiMock>

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
  m.settings.save.mockImplementation(async (s) => ({ settings: s }))
  useSettings.setState({ settings: { ...DEFAULT_SETTINGS }, keys: {}, keysError: null, loaded: true })
  useCatalog.setState({ providers: [], templates: [], loaded: true })
  useUpdate.setState({ status: null, dismissed: '', checking: false, error: null })
})

describe('Settings: updates', () => {
  it('is on by default with the build’s own feed, and opting out is saved', async () => {
    const user = userEvent.setup()
    renderDialog()
    const box = screen.getByTestId('update-check-input')
    expect(box).toBeChecked()
    expect(screen.getByTestId('update-feed-input')).toHaveValue('')
    await user.click(box)
    await user.clear(screen.getByTestId('update-feed-input'))
    await user.type(screen.getByTestId('update-feed-input'), 'https://example.com/releases.atom')
    await user.click(screen.getByTestId('settings-save'))
    await waitFor(() => expect(m.settings.save).toHaveBeenCalled())
    expect(m.settings.save.mock.calls[0][0]).toMatchObject({ updateCheck: false, updateFeedURL: 'https://example.com/releases.atom' })
  })

  it('says when the build has no update channel, and shows the build’s feed when it has one', async () => {
    const status = { enabled: false, feed: '', current: '0.1.0', checkedAt: '', available: false, latest: '', url: '', publishedAt: '', error: '' }
    useUpdate.setState({ status })
    const { unmount } = renderDialog()
    expect(screen.getByTestId('update-no-channel')).toHaveTextContent('no update channel')
    unmount()
    useUpdate.setState({ status: { ...status, enabled: true, feed: 'https://releases.example.com/tessera.atom' } })
    renderDialog()
    expect(screen.queryByTestId('update-no-channel')).toBeNull()
    expect(screen.getByTestId('update-feed-input')).toHaveAttribute('placeholder', 'https://releases.example.com/tessera.atom')
  })

  it('"Check now" forces a check and says the outcome, or the failure', async () => {
    const user = userEvent.setup()
    m.updates.checkNow.mockResolvedValueOnce({ enabled: true, feed: 'https://x.test/f', current: '0.1.0', checkedAt: '2026-12-01T09:00:00Z', available: true,
      latest: '0.2.0', url: 'https://x.test/r', publishedAt: '', error: '' })
    renderDialog()
    await user.click(screen.getByTestId('update-check-now'))
    expect(m.updates.checkNow).toHaveBeenCalledTimes(1)
    expect(m.updates.check).not.toHaveBeenCalled()
    await waitFor(() => expect(screen.getByTestId('update-check-result')).toHaveTextContent('Tessera 0.2.0 is available (this is 0.1.0).'))

    m.updates.checkNow.mockRejectedValueOnce(new ApiError('unavailable', 'The update feed answered 404; check its address in Settings.'))
    await user.click(screen.getByTestId('update-check-now'))
    await waitFor(() => expect(screen.getByTestId('update-check-result')).toHaveTextContent('answered 404'))
  })
})
