import { useMemo } from 'react'
import { shortcuts } from '../lib/shortcuts'
import { useUI } from '../stores/ui'
import { Dialog } from './ui/Dialog'

/** The help sheet: every shortcut of lib/shortcuts (Ctrl+/, ? or the top bar's ? button). */
export function ShortcutsHelp() {
  const open = useUI((s) => s.helpOpen)
  const setOpen = useUI((s) => s.setHelpOpen)
  const list = useMemo(() => shortcuts(), [])
  return (
    <Dialog open={open} onOpenChange={setOpen} title="Keyboard shortcuts" closeTestId="shortcuts-close">
      <table className="w-full text-sm" data-testid="shortcuts-help">
        <tbody>
          {list.map((s) => (
            <tr key={s.id} data-testid="shortcut-row" data-shortcut={s.id} className="border-b border-border last:border-0">
              <td className="py-1.5 pr-4">{s.label}</td>
              <td className="whitespace-nowrap py-1.5 text-right">
                {s.keys.map((k, i) => (
                  <span key={i}>
                    {i > 0 ? <span className="px-0.5 text-muted-foreground">+</span> : null}
                    <kbd className="rounded border border-border bg-muted px-1.5 py-0.5 font-mono text-xs">{k}</kbd>
                  </span>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="mt-3 text-xs text-muted-foreground">In the search: ↑ ↓ move, Enter opens, Escape closes. Shift+Enter is a new line in the message box. In the Files tab&apos;s editor: Ctrl+S saves, Ctrl+F finds and replaces, Ctrl+Z undoes.</p>
    </Dialog>
  )
}
