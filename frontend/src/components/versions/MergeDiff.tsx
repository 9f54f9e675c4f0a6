// A version's change to one file, side by side: CodeMirror's merge view
// (before on the left, after on the right), read-only, unchanged stretches
// collapsed. Loaded lazily (React.lazy) so @codemirror/merge costs nothing
// until the Versions panel shows a diff.
import { useEffect, useRef } from 'react'
import { EditorState, type Extension } from '@codemirror/state'
import { EditorView, lineNumbers } from '@codemirror/view'
import { defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language'
import { oneDark } from '@codemirror/theme-one-dark'
import { MergeView } from '@codemirror/merge'
import { loadLanguage } from '../preview/CodeEditor'

const lightTheme = [syntaxHighlighting(defaultHighlightStyle, { fallback: true })]

function side(doc: string, label: string, extra: Extension[]) {
  return {
    doc,
    extensions: [
      lineNumbers(),
      EditorState.readOnly.of(true),
      EditorView.editable.of(false),
      EditorView.contentAttributes.of({ 'aria-label': label, tabindex: '0' }),
      ...extra,
    ],
  }
}

export default function MergeDiff({ path, before, after, dark }: { path: string; before: string; after: string; dark: boolean }) {
  const host = useRef<HTMLDivElement>(null)

  useEffect(() => {
    const parent = host.current
    if (!parent) return
    let view: MergeView | null = null
    let cancelled = false
    const theme = dark ? oneDark : lightTheme
    const build = (lang: Extension) => {
      view?.destroy()
      view = new MergeView({
        parent,
        a: side(before, `${path} before`, [theme, lang]),
        b: side(after, `${path} after`, [theme, lang]),
        collapseUnchanged: { margin: 3, minSize: 6 },
        gutter: true,
        highlightChanges: true,
      })
    }
    build([])
    void loadLanguage(path).then((lang) => {
      if (!cancelled) build(lang)
    })
    return () => {
      cancelled = true
      view?.destroy()
    }
  }, [path, before, after, dark])

  return <div ref={host} data-testid="merge-view" className="h-full overflow-auto text-xs" />
}
