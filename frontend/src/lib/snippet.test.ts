import { describe, expect, it } from 'vitest'
import { splitSnippet } from './snippet'

describe('splitSnippet', () => {
  it.each([
    ['plain', 'no match', [{ text: 'no match', match: false }]],
    ['one match', 'a \u0002café\u0003 b', [{ text: 'a ', match: false }, { text: 'café', match: true }, { text: ' b', match: false }]],
    ['adjacent matches merge', '\u0002a\u0003\u0002b\u0003', [{ text: 'ab', match: true }]],
    ['stray end marker', 'x\u0003y', [{ text: 'xy', match: false }]],
    ['unterminated start', 'x\u0002y', [{ text: 'x', match: false }, { text: 'y', match: true }]],
    ['markup stays text', '<img src=x onerror=alert(1)> \u0002b\u0003', [{ text: '<img src=x onerror=alert(1)> ', match: false }, { text: 'b', match: true }]],
    ['empty', '', []],
  ])('%s', (_name, input, want) => {
    expect(splitSnippet(input)).toEqual(want)
  })
})
