import { describe, expect, it } from 'vitest'
import { ApiError, type Message } from '../../api'
import { savedFlag, userMessageSaved } from './saved'

function msg(over: Partial<Message>): Message {
  return { id: 'm', projectId: 'p', seq: 1, role: 'user', content: '', status: 'done', createdAt: '2026-01-01T00:00:00Z', ...over }
}

describe('savedFlag', () => {
  it.each<[string, unknown, boolean | undefined]>([
    ['the backend names the saved message', '{"code":"unavailable","message":"down","userMessageId":"u1"}', true],
    ['an Error carrying that JSON (as Wails rejects)', new Error('{"code":"unavailable","message":"down","userMessageId":"u1"}'), true],
    ['the backend says nothing was saved', new Error('{"code":"invalid","message":"Give the message some text."}'), false],
    ['a DTO object', { code: 'unavailable', message: 'down', userMessageId: 'u2' }, true],
    ['an ApiError from the backend without an id', new ApiError('unavailable', 'down', { fromBackend: true }), false],
    ['a page-side failure', new ApiError('unavailable', 'down'), undefined],
    ['plain text', 'boom', undefined],
    ['broken JSON', '{nope', undefined],
    ['null', null, undefined],
  ])('%s', (_name, rejection, want) => {
    expect(savedFlag(rejection)).toBe(want)
  })
})

describe('userMessageSaved', () => {
  const savedLast = [msg({ id: 'a0', role: 'assistant' }), msg({ id: 'u1', seq: 2, content: ' plot a sine ' })]
  it.each<[string, unknown, Message[], boolean]>([
    ['the backend\'s yes wins over an empty history', new ApiError('unavailable', 'x', { userMessageId: 'u1', fromBackend: true }), [], true],
    ['the backend\'s no wins over a matching last message', new ApiError('unavailable', 'x', { fromBackend: true }), savedLast, false],
    ['not from the backend: the last message is the text sent', new ApiError('unavailable', 'x'), savedLast, true],
    ['not from the backend: the last message is another text', new ApiError('unavailable', 'x'), [msg({ content: 'other' })], false],
    ['not from the backend: the last message is an answer', new ApiError('unavailable', 'x'), [msg({ role: 'assistant', content: 'plot a sine' })], false],
    ['not from the backend: nothing loaded', new ApiError('unavailable', 'x'), [], false],
  ])('%s', (_name, rejection, messages, want) => {
    expect(userMessageSaved(rejection, messages, 'plot a sine')).toBe(want)
  })
})
