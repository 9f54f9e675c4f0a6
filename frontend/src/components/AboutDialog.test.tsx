import { render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import * as api from '../api'
import { ApiError } from '../api'
import { type makeApiMock } from '../test/apiMock'
import { useAbout } from '../stores/update'
import { AboutDialog } from './AboutDialog'
import { TipProvider } from './ui/Tip'

vi.mock('../api', async (importOriginal) => {
  const { makeApiMock } = await import('../test/apiMock')
  return makeApiMock(await importOriginal())
})
const m = api as unknown as ReturnType<typeof makeApiMock>

const renderIt = () =>
  render(
    <TipProvider>
      <AboutDialog />
    </TipProvider>,
  )

beforeEach(() => {
  vi.clearAllMocks()
  useAbout.setState({ info: null, error: null })
})

describe('About dialog', () => {
  it('shows the version, build date and toolchain from the backend', async () => {
    m.about.get.mockResolvedValue({ version: '1.4.2', buildDate: '2026-12-02T00:31:12Z', goVersion: 'go1.26.8', wailsVersion: 'v2.16.0',
      releaseFeed: 'https://releases.example.com/tessera.atom' })
    renderIt()
    expect(m.about.get).not.toHaveBeenCalled() // nothing is asked before it opens
    await userEvent.click(screen.getByTestId('about-open'))
    expect(await screen.findByTestId('about-version')).toHaveTextContent('1.4.2')
    expect(screen.getByTestId('about-date')).toHaveTextContent('2026-12-02 00:31:12 UTC')
    expect(screen.getByTestId('about-info')).toHaveTextContent('go1.26.8')
    expect(screen.getByTestId('about-info')).toHaveTextContent('v2.16.0')
    expect(screen.getByTestId('about-updates')).toHaveTextContent('once a day at https://releases.example.com/tessera.atom')
    await userEvent.click(screen.getByTestId('about-close'))
    expect(screen.queryByTestId('about-info')).toBeNull()
  })

  it('says when a build carries no date', async () => {
    m.about.get.mockResolvedValue({ version: '0.1.0', buildDate: '', goVersion: 'go1.26.8', wailsVersion: '', releaseFeed: '' })
    renderIt()
    await userEvent.click(screen.getByTestId('about-open'))
    expect(await screen.findByTestId('about-date')).toHaveTextContent('development build')
    // No release feed built in: the update check is off, and About says so.
    expect(screen.getByTestId('about-updates')).toHaveTextContent('Off: this build has no release feed')
  })

  it('shows the sentence when the backend fails', async () => {
    m.about.get.mockRejectedValue(new ApiError('unavailable', 'Tessera is not connected.'))
    renderIt()
    await userEvent.click(screen.getByTestId('about-open'))
    expect(await screen.findByRole('alert')).toHaveTextContent('Tessera is not connected.')
  })
})
