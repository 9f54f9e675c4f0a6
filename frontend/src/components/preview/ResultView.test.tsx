import { waitFor, render, screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { ExecErrorView, ResultView, kindOf } from './ResultView'
import { PythonOutput } from './PythonOutput'
import type { ExecResult } from '../../api'

function one(r: ExecResult) {
  render(<ResultView result={r} />)
  return screen.getByTestId('preview-result')
}

describe('ResultView', () => {
  it('png and jpeg as data: images', () => {
    const el = one({ png: 'iVBORw0KGgo=', text: '<Figure size 640x480>' })
    expect(el).toHaveAttribute('data-kind', 'png')
    expect(el.querySelector('img')).toHaveAttribute('src', 'data:image/png;base64,iVBORw0KGgo=')
  })

  it('jpeg', () => {
    const el = one({ jpeg: '/9j/4AAQ' })
    expect(el).toHaveAttribute('data-kind', 'jpeg')
    expect(el.querySelector('img')?.getAttribute('src')).toBe('data:image/jpeg;base64,/9j/4AAQ')
  })

  it('svg as an <img>, never inline markup', () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><circle id="c" r="5"/></svg>'
    const el = one({ svg })
    expect(el).toHaveAttribute('data-kind', 'svg')
    const src = el.querySelector('img')?.getAttribute('src') ?? ''
    expect(src.startsWith('data:image/svg+xml;base64,')).toBe(true)
    expect(atob(src.split(',')[1])).toBe(svg)
    expect(document.querySelector('svg circle#c')).toBeNull()
    expect(document.querySelector('script')).toBeNull()
  })

  it('html inside a sandboxed srcdoc iframe, not in the page', () => {
    const el = one({ html: '<table id="df"><tr><td>1</td></tr></table>', text: 'df' })
    expect(el).toHaveAttribute('data-kind', 'html')
    const frame = el.querySelector('iframe')!
    expect(frame).toHaveAttribute('sandbox', '')
    expect(frame.getAttribute('srcdoc')).toContain('<table id="df">')
    expect(document.getElementById('df')).toBeNull()
  })

  it('markdown: the text at once, then rendered once the renderer has loaded', async () => {
    const el = one({ markdown: '# Title\n\n**bold**' })
    expect(el).toHaveAttribute('data-kind', 'markdown')
    expect(el).toHaveTextContent('Title')
    await waitFor(() => expect(el.querySelector('h1')).toHaveTextContent('Title'))
    expect(el.querySelector('strong')).toHaveTextContent('bold')
  })

  it('latex as text', () => {
    const el = one({ latex: '$\\frac{1}{2}$' })
    expect(el).toHaveAttribute('data-kind', 'latex')
    expect(el).toHaveTextContent('$\\frac{1}{2}$')
  })

  it('json pretty-printed', () => {
    const el = one({ json: { a: 1, b: [1, 2] } })
    expect(el).toHaveAttribute('data-kind', 'json')
    expect(el.textContent).toBe(JSON.stringify({ a: 1, b: [1, 2] }, null, 2))
  })

  it('text with ANSI codes stripped', () => {
    const el = one({ text: '\u001b[31mred\u001b[0m 42' })
    expect(el).toHaveAttribute('data-kind', 'text')
    expect(el.textContent).toBe('red 42')
  })

  it('javascript is shown, not run', () => {
    const el = one({ javascript: 'window.__ran = true' })
    expect(el).toHaveAttribute('data-kind', 'javascript')
    expect((window as unknown as { __ran?: boolean }).__ran).toBeUndefined()
  })

  it('pdf as a download link', () => {
    const el = one({ pdf: 'JVBERi0=' })
    expect(el).toHaveAttribute('data-kind', 'pdf')
    expect(el.querySelector('a')).toHaveAttribute('href', 'data:application/pdf;base64,JVBERi0=')
  })

  it('picks the richest format first', () => {
    expect(kindOf({ text: 't', png: 'p', html: 'h' })).toBe('png')
    expect(kindOf({ text: 't', html: 'h' })).toBe('html')
    expect(kindOf({})).toBeNull()
  })
})

describe('Python output', () => {
  it('shows every result, stdout, stderr and the error with a clean traceback', () => {
    render(
      <PythonOutput
        result={{
          kind: 'python',
          template: 'code-interpreter-v1',
          stdout: ['a\n', 'b\n'],
          stderr: ['warn\n'],
          results: [{ png: 'AAA=' }, { text: 'hello' }],
          error: { name: 'ZeroDivisionError', value: 'division by zero', traceback: '\u001b[0;31mTraceback\u001b[0m line 1' },
        }}
      />,
    )
    expect(screen.getAllByTestId('preview-result').map((e) => e.getAttribute('data-kind'))).toEqual(['png', 'text'])
    expect(screen.getByTestId('preview-stdout').textContent).toBe('a\nb\n')
    expect(screen.getByTestId('preview-stderr')).toHaveTextContent('warn')
    const err = screen.getByTestId('preview-error')
    expect(err).toHaveTextContent('ZeroDivisionError: division by zero')
    expect(err.textContent).toContain('Traceback line 1')
    expect(err.textContent).not.toContain('\u001b')
  })

  it('ExecErrorView alone', () => {
    render(<ExecErrorView error={{ name: 'NameError', value: "name 'x' is not defined", traceback: '' }} />)
    expect(screen.getByTestId('preview-error')).toHaveTextContent("NameError: name 'x' is not defined")
  })
})
