import { act, render, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import * as api from '../api'
import { ApiError, type UpdateStatus } from '../api'
import { type makeApiMock } from '../test/apiMock'
import { RECHECK_MS, useUpdate } from '../stores/update'
import { UpdateNotice } from './UpdateNotice'

vi.mock('../api', async (importOriginal) => {
  const { makeApiMock } = await import('../test/apiMock')
  return makeApiMock(await importOriginal())
})
const m = api as unknown as ReturnType<typeof makeApiMock>

const status = (over: Partial<UpdateStatus>): UpdateStatus => ({
  enabled: true,
  feed: 'https://releases.example.com/tessera.atom',
  current: '0.1.0',
  checkedAt: '2026-12-01T09:00:00Z',
  available: false,
  latest: '0.1.0',
  url: 'https://github.com/tessera-app/tessera/releases/tag/v0.1.0',
  publishedAt: '',
  error: '',
  ...over,
})

beforeEach(() => {
  vi.clearAllMocks()
  useUpdate.setState({ status: null, dismissed: '', checking: false, error: null })
})
afterEach(() => vi.useRealTimers())

describe('update notice', () => {
  it('says which version is out and opens its release page in the browser', async () => {
    const url = 'https://github.com/tessera-app/tessera/releases/tag/v0.2.0'
    m.updates.check.mockResolvedValue(status({ available: true, latest: '0.2.0', url }))
    render(<UpdateNotice />)
    const notice = await screen.findByTestId('update-notice')
    expect(m.updates.check).toHaveBeenCalledTimes(1)
    expect(m.updates.checkNow).not.toHaveBeenCalled() // the automatic check never forces the feed
    expect(notice).toHaveAttribute('role', 'status') // announced, not a modal: nothing is blocked
    expect(notice).toHaveTextContent('Tessera 0.2.0 is available.')
    await userEvent.click(screen.getByTestId('update-open'))
    expect(m.openURL).toHaveBeenCalledWith(url)
  })

  it('shows nothing when up to date, when the check fails, or when it is turned off', async () => {
    for (const answer of [
      () => Promise.resolve(status({})),
      () => Promise.reject(new ApiError('unavailable', 'The update feed could not be reached.')),
      () => Promise.resolve(status({ enabled: false, checkedAt: '', latest: '', url: '' })),
    ]) {
      useUpdate.setState({ status: null })
      m.updates.check.mockImplementationOnce(answer)
      const { unmount } = render(<UpdateNotice />)
      await waitFor(() => expect(m.updates.check).toHaveBeenCalled())
      await act(async () => {})
      expect(screen.queryByTestId('update-notice')).toBeNull()
      unmount()
      m.updates.check.mockClear()
    }
  })

  it('can be dismissed for that version; a newer one shows again', async () => {
    m.updates.check.mockResolvedValue(status({ available: true, latest: '0.2.0' }))
    render(<UpdateNotice />)
    await userEvent.click(await screen.findByTestId('update-dismiss'))
    expect(screen.queryByTestId('update-notice')).toBeNull()
    act(() => useUpdate.setState({ status: status({ available: true, latest: '0.3.0' }) }))
    expect(screen.getByTestId('update-notice')).toHaveTextContent('0.3.0')
  })

  it('a release without a usable page link offers no button', async () => {
    m.updates.check.mockResolvedValue(status({ available: true, latest: '0.2.0', url: '' }))
    render(<UpdateNotice />)
    await screen.findByTestId('update-notice')
    expect(screen.queryByTestId('update-open')).toBeNull()
  })

  it('asks again while the window stays open, and stops when unmounted', async () => {
    vi.useFakeTimers()
    m.updates.check.mockResolvedValue(status({}))
    const { unmount } = render(<UpdateNotice />)
    expect(m.updates.check).toHaveBeenCalledTimes(1)
    await act(async () => vi.advanceTimersByTime(RECHECK_MS))
    expect(m.updates.check).toHaveBeenCalledTimes(2)
    unmount()
    await act(async () => vi.advanceTimersByTime(3 * RECHECK_MS))
    expect(m.updates.check).toHaveBeenCalledTimes(2)
  })
})
