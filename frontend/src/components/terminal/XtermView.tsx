import { useEffect, useRef } from 'react'
import { streamTerminal, useTerminal } from '../../stores/terminal'

/** How many of the last buffer lines data-text exposes (for tests and tools). */
const TEXT_LINES = 200

interface XtermLike {
  cols: number
  rows: number
  buffer: { active: { length: number; getLine(i: number): { translateToString(trim?: boolean): string } | undefined } }
  write(data: Uint8Array | string, cb?: () => void): void
  onData(fn: (d: string) => void): { dispose(): void }
  onResize(fn: (s: { cols: number; rows: number }) => void): { dispose(): void }
  open(el: HTMLElement): void
  focus(): void
  dispose(): void
  loadAddon(a: unknown): void
}

/**
 * One terminal drawn with xterm.js, loaded on first use (dynamic import:
 * xterm stays out of the first-paint bundle). The view holds no state of
 * its own: on mount it replays what the backend kept, so it can come and
 * go with the tab or the project.
 */
export function XtermView({ id, readOnly }: { id: string; readOnly: boolean }) {
  const host = useRef<HTMLDivElement>(null)
  const input = useTerminal((s) => s.input)
  const resize = useTerminal((s) => s.resize)

  useEffect(() => {
    const el = host.current
    if (!el) return
    let disposed = false
    const cleanup: Array<() => void> = []
    void (async () => {
      const [{ Terminal }, { FitAddon }] = await Promise.all([
        import('@xterm/xterm'),
        import('@xterm/addon-fit'),
        import('@xterm/xterm/css/xterm.css'),
      ])
      if (disposed) return
      const term = new Terminal({
        convertEol: readOnly,
        disableStdin: readOnly,
        cursorBlink: !readOnly,
        scrollback: 5000,
        fontSize: 12,
        fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
        theme: { background: '#0b0d10', foreground: '#e6e6e6' },
      }) as unknown as XtermLike
      const fit = new FitAddon() as unknown as { fit(): void }
      term.loadAddon(fit)
      term.open(el)
      cleanup.push(() => term.dispose())
      let textTimer: ReturnType<typeof setTimeout> | null = null
      const exposeText = () => {
        if (textTimer) return
        textTimer = setTimeout(() => {
          textTimer = null
          const b = term.buffer.active
          const lines: string[] = []
          for (let i = Math.max(0, b.length - TEXT_LINES); i < b.length; i++) lines.push(b.getLine(i)?.translateToString(true) ?? '')
          el.dataset.text = lines.join('\n').replace(/\n+$/, '')
        }, 30)
      }
      cleanup.push(() => textTimer && clearTimeout(textTimer))
      const safeFit = () => {
        try {
          fit.fit()
        } catch {
          // not laid out yet
        }
      }
      safeFit()
      resize(id, term.cols, term.rows)
      const subs = [term.onResize(({ cols, rows }) => resize(id, cols, rows))]
      if (!readOnly) subs.push(term.onData((d) => input(id, d)))
      cleanup.push(() => subs.forEach((s) => s.dispose()))
      cleanup.push(streamTerminal(id, (bytes) => term.write(bytes, exposeText)))
      if (typeof ResizeObserver !== 'undefined') {
        const ro = new ResizeObserver(() => safeFit())
        ro.observe(el)
        cleanup.push(() => ro.disconnect())
      }
      el.dataset.ready = 'true'
      if (!readOnly) term.focus()
    })()
    return () => {
      disposed = true
      for (const f of cleanup.reverse()) f()
    }
  }, [id, readOnly, input, resize])

  return <div ref={host} data-testid="xterm" data-terminal-id={id} className="h-full w-full overflow-hidden bg-[#0b0d10] p-1" />
}
