import { describe, expect, it } from 'vitest'
import { frameSandbox, previewIsolation } from './security'

const app = 'http://wails.localhost'

describe('preview frame sandbox', () => {
  it.each([
    ['a web template on a sandbox host', 'https://3000-abc.e2b.app', 'nextjs-developer', true],
    ['every known web template', 'https://8501-abc.e2b.app', 'streamlit-developer', true],
    ['an unknown template', 'https://3000-abc.e2b.app', 'my-template', false],
    ['no template', 'https://3000-abc.e2b.app', '', false],
    ['the python template', 'https://3000-abc.e2b.app', 'code-interpreter-v1', false],
    ['a page of the app origin', 'http://wails.localhost/x', 'nextjs-developer', false],
    ['a javascript: URL', 'javascript:alert(1)', 'vue-developer', false],
    ['a data: URL', 'data:text/html,<p>x', 'vue-developer', false],
  ])('%s', (_name, url, template, sameOrigin) => {
    const s = frameSandbox(url, template, app)
    expect(s).toContain('allow-scripts')
    expect(s.includes('allow-same-origin')).toBe(sameOrigin)
    // never: reaching the app window by navigation
    expect(s).not.toContain('allow-top-navigation')
  })
})

describe('preview isolation check', () => {
  const win = (ua: string, webkit?: unknown) => ({ navigator: { userAgent: ua }, webkit }) as unknown as Window
  const linux = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/605.1.15 (KHTML, like Gecko)'
  it('refuses previews in a Linux window whose page still sees the Wails handler', () => {
    const r = previewIsolation(win(linux, { messageHandlers: { external: { postMessage() {} } } }))
    expect(r.ok).toBe(false)
    expect(r.reason).toMatch(/Previews are turned off/)
  })
  it('allows previews once the handler is out of the page world', () => {
    expect(previewIsolation(win(linux, undefined)).ok).toBe(true)
    expect(previewIsolation(win(linux, { messageHandlers: {} })).ok).toBe(true)
  })
  it('leaves macOS to Wails, which drops messages from subframes', () => {
    const mac = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15'
    expect(previewIsolation(win(mac, { messageHandlers: { external: {} } })).ok).toBe(true)
  })
})
