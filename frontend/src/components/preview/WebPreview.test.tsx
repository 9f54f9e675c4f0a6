import { describe, expect, it } from 'vitest'
import { DEVICES, fitScale } from './WebPreview'

describe('fitScale', () => {
  it.each([
    ['a tablet in a 640 px panel is laid out at 820 px and shown smaller', DEVICES.tablet.width, 640, (640 - 24) / 820],
    ['a phone fits a 640 px panel unscaled', DEVICES.phone.width, 640, 1],
    ['a tablet in a wide panel is full size', DEVICES.tablet.width, 1200, 1],
    ['desktop fills the panel, never scaled', DEVICES.desktop.width, 640, 1],
    ['before the panel is measured', DEVICES.tablet.width, 0, 1],
  ])('%s', (_name, width, box, want) => {
    expect(fitScale(width, box)).toBeCloseTo(want, 5)
  })
  it('tablet and desktop differ in a 640 px panel (issue 29)', () => {
    expect(fitScale(DEVICES.tablet.width, 640)).toBeLessThan(1)
  })
})
