// CodeMirror 6, read-only. Loaded lazily (React.lazy) with its languages, so
// the first paint does not wait for the editor.
import { useEffect, useRef } from 'react'
import { Compartment, EditorState, type Extension } from '@codemirror/state'
import { EditorView, lineNumbers, highlightActiveLineGutter, drawSelection } from '@codemirror/view'
import { defaultHighlightStyle, syntaxHighlighting, bracketMatching, foldGutter } from '@codemirror/language'
import { oneDark } from '@codemirror/theme-one-dark'
import { languageOf } from '../../lib/fragment'

export async function loadLanguage(path: string): Promise<Extension> {
  switch (languageOf(path)) {
    case 'python':
      return (await import('@codemirror/lang-python')).python()
    case 'typescript':
      return (await import('@codemirror/lang-javascript')).javascript({ typescript: true })
    case 'tsx':
      return (await import('@codemirror/lang-javascript')).javascript({ typescript: true, jsx: true })
    case 'javascript':
      return (await import('@codemirror/lang-javascript')).javascript()
    case 'jsx':
      return (await import('@codemirror/lang-javascript')).javascript({ jsx: true })
    case 'vue':
      return (await import('@codemirror/lang-vue')).vue()
    case 'css':
      return (await import('@codemirror/lang-css')).css()
    case 'html':
      return (await import('@codemirror/lang-html')).html()
    case 'json':
      return (await import('@codemirror/lang-json')).json()
    default:
      return []
  }
}

/**
 * Where a streaming view scrolls to: the start of the last line, not its end,
 * so following the stream moves down but never sideways (a long last line
 * would otherwise leave the start of every line hidden).
 */
export function followPosition(code: string): number {
  return code.lastIndexOf('\n') + 1
}

const lightTheme = [syntaxHighlighting(defaultHighlightStyle, { fallback: true })]

export default function CodeEditor({
  path,
  code,
  dark,
  streaming,
  line = 0,
  lineNonce,
}: {
  path: string
  code: string
  dark: boolean
  streaming?: boolean
  /** A 1-based line to move to and centre (a search result); 0 = none. */
  line?: number
  /** Changes when the same line is asked for again. */
  lineNonce?: number
}) {
  const host = useRef<HTMLDivElement>(null)
  const view = useRef<EditorView | null>(null)
  const shown = useRef('')
  const lang = useRef(new Compartment())
  const theme = useRef(new Compartment())

  useEffect(() => {
    if (!host.current) return
    const v = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: code,
        extensions: [
          lineNumbers(),
          highlightActiveLineGutter(),
          foldGutter(),
          drawSelection(),
          bracketMatching(),
          EditorState.readOnly.of(true),
          EditorView.editable.of(false),
          EditorView.contentAttributes.of({ 'aria-label': `Code of ${path}`, tabindex: '0' }),
          lang.current.of([]),
          theme.current.of(dark ? oneDark : lightTheme),
        ],
      }),
    })
    view.current = v
    shown.current = code
    return () => {
      v.destroy()
      view.current = null
    }
    // Created once per file; code and theme follow through the effects below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])

  useEffect(() => {
    let cancelled = false
    void loadLanguage(path).then((ext) => {
      if (!cancelled) view.current?.dispatch({ effects: lang.current.reconfigure(ext) })
    })
    return () => {
      cancelled = true
    }
  }, [path])

  useEffect(() => {
    view.current?.dispatch({ effects: theme.current.reconfigure(dark ? oneDark : lightTheme) })
  }, [dark])

  useEffect(() => {
    const v = view.current
    if (!v || code === shown.current) return
    const prev = shown.current
    // Streaming appends: insert only the new tail instead of replacing the document.
    const changes = code.startsWith(prev)
      ? { from: prev.length, insert: code.slice(prev.length) }
      : { from: 0, to: v.state.doc.length, insert: code }
    shown.current = code
    v.dispatch({
      changes,
      effects: streaming ? EditorView.scrollIntoView(followPosition(code), { y: 'end', x: 'nearest', xMargin: 0 }) : undefined,
    })
  }, [code, streaming])

  useEffect(() => {
    const v = view.current
    if (!v || line <= 0 || line > v.state.doc.lines) return
    const pos = v.state.doc.line(line).from
    v.dispatch({ selection: { anchor: pos }, effects: EditorView.scrollIntoView(pos, { y: 'center' }) })
  }, [line, lineNonce])

  // The stream is over: show the start of the lines whatever scrolled sideways meanwhile.
  useEffect(() => {
    if (!streaming && view.current) view.current.scrollDOM.scrollLeft = 0
  }, [streaming])

  return <div ref={host} className="h-full overflow-hidden" />
}
