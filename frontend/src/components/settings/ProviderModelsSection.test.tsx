import { describe, expect, it } from 'vitest'
import { listedWhen } from './ProviderModelsSection'

describe('listedWhen', () => {
  const now = Date.UTC(2026, 11, 1, 12, 0, 0)
  it.each([
    [undefined, 'built-in list, not fetched yet'],
    [0, 'built-in list, not fetched yet'],
    [now - 10_000, 'listed just now'],
    [now - 25 * 60_000, 'listed 25 min ago'],
    [now - 5 * 3600_000, 'listed 5 h ago'],
    [now - 3 * 86400_000, 'listed 3 days ago'],
  ])('%s -> %s', (at, want) => {
    expect(listedWhen(at as number | undefined, now)).toBe(want)
  })
})
