// Every keyboard shortcut of the app, in one place: the key handler below
// and the help sheet (components/ShortcutsHelp) both read SHORTCUTS, so the
// sheet cannot list a shortcut that does nothing.
import { useChat } from '../stores/chat'
import { useProjects } from '../stores/projects'
import { useSearch } from '../stores/search'
import { useUI } from '../stores/ui'

export type ShortcutId =
  | 'search'
  | 'newProject'
  | 'settings'
  | 'send'
  | 'stop'
  | 'nextProject'
  | 'previousProject'
  | 'projectN'
  | 'help'

export interface Shortcut {
  id: ShortcutId
  /** What it does, as the help sheet says it. */
  label: string
  /** The keys as shown, e.g. ['Ctrl', 'K']. */
  keys: string[]
  /** One key event that triggers it (the help sheet's test presses each). */
  example: KeyboardEventInit
  matches: (e: KeyboardEvent) => boolean
  run: (e: KeyboardEvent) => void
  /** Also while typing in a text field (else only outside fields). */
  inFields: boolean
}

/** macOS uses ⌘ where the others use Ctrl. */
export function isMac(): boolean {
  if (typeof navigator === 'undefined') return false
  return /Mac|iPhone|iPad/i.test(navigator.platform || navigator.userAgent || '')
}

const modName = () => (isMac() ? '⌘' : 'Ctrl')
const modInit = (): KeyboardEventInit => (isMac() ? { metaKey: true } : { ctrlKey: true })

/** The platform's command key alone (no Alt; Shift only when asked). */
function mod(e: KeyboardEvent, shift = false): boolean {
  const m = isMac() ? e.metaKey && !e.ctrlKey : e.ctrlKey && !e.metaKey
  return m && !e.altKey && e.shiftKey === shift
}

function currentProject(): string | null {
  return useProjects.getState().currentId
}

function switchBy(delta: number) {
  const { projects, currentId, select } = useProjects.getState()
  if (projects.length === 0) return
  const i = projects.findIndex((p) => p.id === currentId)
  const next = projects[(((i < 0 ? (delta > 0 ? -1 : 0) : i) + delta) % projects.length + projects.length) % projects.length]
  if (next && next.id !== currentId) void select(next.id).catch(() => {})
}

export function shortcuts(): Shortcut[] {
  const m = modName()
  return [
    {
      id: 'search',
      label: 'Search everything',
      keys: [m, 'K'],
      example: { key: 'k', ...modInit() },
      matches: (e) => mod(e) && e.key.toLowerCase() === 'k',
      run: () => useSearch.getState().toggle(),
      inFields: true,
    },
    {
      id: 'newProject',
      label: 'New project',
      keys: [m, 'N'],
      example: { key: 'n', ...modInit() },
      matches: (e) => mod(e) && e.key.toLowerCase() === 'n',
      run: () => useUI.getState().openCreate(),
      inFields: true,
    },
    {
      id: 'settings',
      label: 'Settings',
      keys: [m, ','],
      example: { key: ',', ...modInit() },
      matches: (e) => mod(e) && e.key === ',',
      run: () => useUI.getState().openSettings(),
      inFields: true,
    },
    {
      id: 'send',
      label: 'Send the message (Enter also sends from the message box)',
      keys: [m, 'Enter'],
      example: { key: 'Enter', ...modInit() },
      matches: (e) => mod(e) && e.key === 'Enter',
      run: () => {
        const id = currentProject()
        if (id) void useChat.getState().send(id)
      },
      inFields: true,
    },
    {
      id: 'stop',
      label: 'Stop the answer being written',
      keys: [m, '.'],
      example: { key: '.', ...modInit() },
      matches: (e) => mod(e) && e.key === '.',
      run: () => {
        const id = currentProject()
        if (id && useChat.getState().chats[id]?.run) void useChat.getState().stop(id)
      },
      inFields: true,
    },
    {
      id: 'nextProject',
      label: 'Next project',
      keys: ['Alt', '↓'],
      example: { key: 'ArrowDown', altKey: true },
      matches: (e) => e.altKey && !e.ctrlKey && !e.metaKey && !e.shiftKey && e.key === 'ArrowDown',
      run: () => switchBy(1),
      inFields: true,
    },
    {
      id: 'previousProject',
      label: 'Previous project',
      keys: ['Alt', '↑'],
      example: { key: 'ArrowUp', altKey: true },
      matches: (e) => e.altKey && !e.ctrlKey && !e.metaKey && !e.shiftKey && e.key === 'ArrowUp',
      run: () => switchBy(-1),
      inFields: true,
    },
    {
      id: 'projectN',
      label: 'Switch to project 1 … 9 (in the order of the project menu)',
      keys: [m, '1 … 9'],
      example: { key: '2', ...modInit() },
      matches: (e) => mod(e) && /^[1-9]$/.test(e.key),
      run: (e) => {
        const { projects, currentId, select } = useProjects.getState()
        const p = projects[Number(e.key) - 1]
        if (p && p.id !== currentId) void select(p.id).catch(() => {})
      },
      inFields: true,
    },
    {
      id: 'help',
      label: 'Show these shortcuts',
      keys: [m, '/'],
      example: { key: '/', ...modInit() },
      // Shift is ignored: on many layouts "/" itself needs it.
      matches: (e) => (mod(e) || mod(e, true)) && (e.key === '/' || e.key === '?'),
      run: () => useUI.getState().setHelpOpen(!useUI.getState().helpOpen),
      inFields: true,
    },
  ]
}

function inTextField(t: EventTarget | null): boolean {
  if (!(t instanceof HTMLElement)) return false
  return t.isContentEditable || t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement
}

/** Runs the shortcut the event stands for; true when one ran. */
export function handleShortcut(e: KeyboardEvent, list: Shortcut[] = shortcuts()): boolean {
  if (e.defaultPrevented || e.isComposing || e.repeat) return false
  // "?" alone opens the help sheet when not typing.
  if (e.key === '?' && !e.ctrlKey && !e.metaKey && !e.altKey && !inTextField(e.target)) {
    e.preventDefault()
    useUI.getState().setHelpOpen(true)
    return true
  }
  const s = list.find((x) => x.matches(e))
  if (!s || (!s.inFields && inTextField(e.target))) return false
  e.preventDefault()
  s.run(e)
  return true
}

/** Listens on the window; returns the function that stops listening. */
export function installShortcuts(target: Window = window): () => void {
  const list = shortcuts()
  const onKey = (e: KeyboardEvent) => void handleShortcut(e, list)
  target.addEventListener('keydown', onKey)
  return () => target.removeEventListener('keydown', onKey)
}
