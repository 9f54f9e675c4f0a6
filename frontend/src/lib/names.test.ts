import { describe, expect, it } from 'vitest'
import { cutName, nameLength } from './names'

const family = '👨‍👩‍👧‍👦'

describe('names', () => {
  it('counts what a person sees', () => {
    expect(nameLength(family.repeat(20))).toBe(20)
    expect(nameLength('Cafe\u0301')).toBe(4)
    expect(nameLength('abc')).toBe(3)
  })
  it('cuts between characters with an ellipsis', () => {
    expect(cutName('short', 10)).toBe('short')
    expect(cutName('a'.repeat(100), 10)).toBe('a'.repeat(9) + '…')
    expect(cutName(family.repeat(5), 3)).toBe(family.repeat(2) + '…')
  })
})
