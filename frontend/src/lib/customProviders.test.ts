import { describe, expect, it } from 'vitest'
import { buildExtensions, parseModelIds, readCustomServer, validateBaseURL } from './customProviders'

const empty = { baseUrl: '', models: '', images: false, local: {} }

describe('customProviders form', () => {
  it('reads the custom server and local overrides from object or JSON text', () => {
    const raw = {
      providers: [
        { id: 'custom', base_url: 'http://gpu:8000/v1', models: [{ id: 'a' }, { id: 'b', name: 'B' }] },
        { id: 'ollama', base_url: 'http://nas:11434/v1' },
      ],
    }
    const want = { baseUrl: 'http://gpu:8000/v1', models: 'a, b', images: false, local: { ollama: 'http://nas:11434/v1', lmstudio: '' } }
    expect(readCustomServer(raw)).toEqual(want)
    expect(readCustomServer(JSON.stringify(raw))).toEqual(want)
    expect(readCustomServer(undefined)).toEqual({ baseUrl: '', models: '', images: false, local: { ollama: '', lmstudio: '' } })
  })

  it('keeps existing model names and fields, drops removed ids, and keeps other provider fields', () => {
    const raw = { providers: [{ id: 'custom', base_url: 'http://x/v1', supports_tools: true, models: [{ id: 'a', name: 'Model A', multimodal: true }, { id: 'gone' }] }] }
    const r = buildExtensions(raw, { baseUrl: 'https://y.example/v1', models: 'a, new', images: true, local: {} })
    expect(r).toEqual({
      value: {
        providers: [
          {
            id: 'custom',
            base_url: 'https://y.example/v1',
            supports_tools: true,
            models: [
              { id: 'a', name: 'Model A', multimodal: true },
              { id: 'new', name: 'new', multimodal: true },
            ],
          },
        ],
      },
    })
  })

  it('marks the server\'s models as taking images, and reads the mark back', () => {
    const on = buildExtensions(null, { ...empty, baseUrl: 'http://gpu/v1', models: 'llava, qwen-vl', images: true })
    expect(on).toEqual({ value: { providers: [{ id: 'custom', base_url: 'http://gpu/v1', models: [
      { id: 'llava', name: 'llava', multimodal: true }, { id: 'qwen-vl', name: 'qwen-vl', multimodal: true }] }] } })
    expect(readCustomServer('value' in on ? on.value : null).images).toBe(true)
    const off = buildExtensions('value' in on ? on.value : null, { ...empty, baseUrl: 'http://gpu/v1', models: 'llava', images: false })
    expect(off).toEqual({ value: { providers: [{ id: 'custom', base_url: 'http://gpu/v1', models: [{ id: 'llava', name: 'llava', multimodal: false }] }] } })
    expect(readCustomServer('value' in off ? off.value : null).images).toBe(false)
    // One model without the mark: the box is not shown ticked.
    expect(readCustomServer({ providers: [{ id: 'custom', base_url: 'http://x/v1', models: [{ id: 'a', multimodal: true }, { id: 'b' }] }] }).images).toBe(false)
  })

  it('clearing the URL removes the custom entry and an override, and an empty result clears the setting', () => {
    const raw = { providers: [{ id: 'custom', base_url: 'http://x/v1', models: [] }, { id: 'ollama', base_url: 'http://nas:11434/v1' }] }
    expect(buildExtensions(raw, empty)).toEqual({ value: undefined })
    const withModels = { providers: [{ id: 'ollama', base_url: 'http://nas:11434/v1', models: [{ id: 'm' }] }] }
    expect(buildExtensions(withModels, empty)).toEqual({ value: { providers: [{ id: 'ollama', models: [{ id: 'm' }] }] } })
  })

  it('refuses bad input with a sentence and never overwrites unreadable JSON', () => {
    expect(buildExtensions(null, { ...empty, models: 'a' })).toEqual({ error: 'Add the base URL of the server, or remove its models.' })
    expect('error' in buildExtensions(null, { ...empty, local: { lmstudio: 'localhost:1234' } })).toBe(true)
    expect('error' in buildExtensions('{not json', { ...empty, baseUrl: 'http://x/v1' })).toBe(true)
    expect('error' in buildExtensions([1, 2], { ...empty, baseUrl: 'http://x/v1' })).toBe(true)
  })

  it('validates base URLs and splits model ids', () => {
    expect(validateBaseURL('http://localhost:8000/v1')).toBeNull()
    expect(validateBaseURL('https://api.example.com')).toBeNull()
    expect(validateBaseURL('localhost:8000')).not.toBeNull()
    expect(validateBaseURL('file:///etc/passwd')).toMatch(/http:\/\/ or https:\/\//)
    expect(validateBaseURL('not a url')).toMatch(/not a valid URL/)
    expect(parseModelIds(' a, b ,\nc,, a ')).toEqual(['a', 'b', 'c'])
  })
})
