import { describe, expect, it } from 'vitest'
import { cutName, MAX_ENV_VALUE_BYTES, validateEnvName, validateEnvValue } from './env'

describe('env validation says it plainly', () => {
  it.each([
    ['a long name is cut in the sentence', 'N'.repeat(10000), 'has 10000'],
    ['a bad name is cut too', '-'.repeat(100), 'not a usable'],
    ['an empty name', '  ', 'Give the variable a name.'],
  ])('%s', (_, name, want) => {
    const msg = validateEnvName(name)
    expect(msg).toContain(want)
    expect(msg!.length).toBeLessThan(160)
  })
  it('one size limit, in KB', () => {
    expect(validateEnvValue('x'.repeat(MAX_ENV_VALUE_BYTES))).toBeNull()
    expect(validateEnvValue('x'.repeat(MAX_ENV_VALUE_BYTES + 1))).toContain('at most 32 KB')
    expect(validateEnvValue('ü'.repeat(MAX_ENV_VALUE_BYTES / 2 + 1))).toContain('33 KB')
  })
  it('cuts on characters, not bytes', () => {
    expect(cutName('日'.repeat(50))).toBe('日'.repeat(39) + '…')
    expect(cutName('short')).toBe('short')
  })
})
