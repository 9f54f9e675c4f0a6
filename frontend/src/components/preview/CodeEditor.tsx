// CodeMirror 6: read-only for an answer being streamed or an old fragment,
// editable for the project's files (history, find/replace, Ctrl+S). Loaded
// lazily (React.lazy) with its languages, so the first paint does not wait
// for the editor.
import { useEffect, useRef } from 'react'
import { Annotation, Compartment, EditorState, type Extension } from '@codemirror/state'
import { EditorView, lineNumbers, highlightActiveLineGutter, highlightActiveLine, drawSelection, keymap } from '@codemirror/view'
import { defaultHighlightStyle, syntaxHighlighting, bracketMatching, foldGutter, indentOnInput } from '@codemirror/language'
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands'
import { highlightSelectionMatches, search, searchKeymap } from '@codemirror/search'
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
    case 'markdown':
      return (await import('@codemirror/lang-markdown')).markdown()
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

/** Marks the changes that come from the props (a stream, a reload), not from the person. */
const external = Annotation.define<boolean>()

function modeOf(editable: boolean): Extension {
  return editable ? [highlightActiveLine()] : [EditorState.readOnly.of(true), EditorView.editable.of(false)]
}

const lightTheme = [syntaxHighlighting(defaultHighlightStyle, { fallback: true })]

export default function CodeEditor({
  path,
  code,
  dark,
  streaming,
  line = 0,
  lineNonce,
  editable = false,
  wrap = false,
  onChange,
  onSave,
}: {
  path: string
  code: string
  dark: boolean
  streaming?: boolean
  /** A 1-based line to move to and centre (a search result); 0 = none. */
  line?: number
  /** Changes when the same line is asked for again. */
  lineNonce?: number
  /** The person may type; code is then the text to start from (or the file reloaded). */
  editable?: boolean
  /** Long lines wrap instead of scrolling sideways. */
  wrap?: boolean
  onChange?: (text: string) => void
  /** Ctrl+S / Cmd+S. */
  onSave?: () => void
}) {
  const host = useRef<HTMLDivElement>(null)
  const view = useRef<EditorView | null>(null)
  const shown = useRef('')
  const lang = useRef(new Compartment())
  const theme = useRef(new Compartment())
  const mode = useRef(new Compartment())
  const wrapping = useRef(new Compartment())
  const changed = useRef(onChange)
  const saved = useRef(onSave)
  changed.current = onChange
  saved.current = onSave

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
          highlightSelectionMatches(),
          search({ top: true }),
          history(),
          indentOnInput(),
          keymap.of([
            { key: 'Mod-s', preventDefault: true, run: () => (saved.current?.(), true) },
            ...searchKeymap,
            ...historyKeymap,
            ...defaultKeymap,
            indentWithTab,
          ]),
          mode.current.of(modeOf(editable)),
          wrapping.current.of(wrap ? EditorView.lineWrapping : []),
          EditorView.updateListener.of((u) => {
            if (!u.docChanged || u.transactions.every((t) => t.annotation(external))) return
            const text = u.state.doc.toString()
            shown.current = text
            changed.current?.(text)
          }),
          EditorView.contentAttributes.of({ 'aria-label': `Code of ${path}`, tabindex: '0', 'data-testid': 'code-editor-content' }),
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
    view.current?.dispatch({ effects: mode.current.reconfigure(modeOf(editable)) })
  }, [editable])

  useEffect(() => {
    view.current?.dispatch({ effects: wrapping.current.reconfigure(wrap ? EditorView.lineWrapping : []) })
  }, [wrap])

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
      annotations: external.of(true),
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
