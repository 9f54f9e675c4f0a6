import { describe, expect, it } from 'vitest'
import { ApiError, type Message } from '../../api'
import { savedFlag, userMessageSaved } from './saved'

function msg(over: Partial<Message>): Message {
  return { id: 'm', projectId: 'p', seq: 1, role: 'user', content: '', status: 'done', createdAt: '2026-01-01T00:00:00Z', ...over }
}

describe('savedFlag', () => {
  it.each<[string, unknown, boolean | undefined]>([
    ['ApiError with userSaved true', Object.assign(new ApiError('unavailable', 'down'), { userSaved: true }), true],
    ['ApiError with userSaved false', Object.assign(new ApiError('unavailable', 'down'), { userSaved: false }), false],
    ['plain ApiError', new ApiError('unavailable', 'down'), undefined],
    ['error object with the saved user message', { code: 'unavailable', message: 'down', user: { id: 'u1' } }, true],
    ['JSON text', '{"code":"unavailable","message":"down","userSaved":true}', true],
    ['Error carrying JSON', new Error('{"code":"internal","message":"x","userSaved":false}'), false],
    ['plain text', 'boom', undefined],
    ['broken JSON', '{nope', undefined],
    ['userSaved not a boolean', { userSaved: 'yes' }, undefined],
    ['null', null, undefined],
  ])('%s', (_name, rejection, want) => {
    expect(savedFlag(rejection)).toBe(want)
  })
})

describe('userMessageSaved', () => {
  const savedLast = [msg({ id: 'a0', role: 'assistant' }), msg({ id: 'u1', seq: 2, content: ' plot a sine ' })]
  it.each<[string, unknown, Message[], boolean]>([
    ['explicit yes wins over an empty history', Object.assign(new ApiError('unavailable', 'x'), { userSaved: true }), [], true],
    ['explicit no wins over a matching last message', Object.assign(new ApiError('unavailable', 'x'), { userSaved: false }), savedLast, false],
    ['no flag: the last message is the text sent', new ApiError('unavailable', 'x'), savedLast, true],
    ['no flag: the last message is another text', new ApiError('unavailable', 'x'), [msg({ content: 'other' })], false],
    ['no flag: the last message is an answer', new ApiError('unavailable', 'x'), [msg({ role: 'assistant', content: 'plot a sine' })], false],
    ['no flag: nothing loaded', new ApiError('unavailable', 'x'), [], false],
  ])('%s', (_name, rejection, messages, want) => {
    expect(userMessageSaved(rejection, messages, 'plot a sine')).toBe(want)
  })
})
