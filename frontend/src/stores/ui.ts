import { create } from 'zustand'

/** Which dialogs are open: several places open them (top bar, welcome panel, chat). */
interface UIState {
  createOpen: boolean
  settingsOpen: boolean
  openCreate: () => void
  setCreateOpen: (o: boolean) => void
  openSettings: () => void
  setSettingsOpen: (o: boolean) => void
  /** The project whose "Undo the last exchange?" confirmation is open (header Undo, a failed answer's Remove). */
  undoFor: string | null
  askUndo: (projectId: string | null) => void
  /** The keyboard-shortcuts help sheet (Ctrl+/ or the ? button). */
  helpOpen: boolean
  setHelpOpen: (o: boolean) => void
}

export const useUI = create<UIState>((set) => ({
  createOpen: false,
  settingsOpen: false,
  openCreate: () => set({ createOpen: true }),
  setCreateOpen: (createOpen) => set({ createOpen }),
  openSettings: () => set({ settingsOpen: true }),
  setSettingsOpen: (settingsOpen) => set({ settingsOpen }),
  undoFor: null,
  askUndo: (undoFor) => set({ undoFor }),
  helpOpen: false,
  setHelpOpen: (helpOpen) => set({ helpOpen }),
}))
