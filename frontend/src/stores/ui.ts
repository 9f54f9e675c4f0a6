import { create } from 'zustand'

/** Which dialogs are open: several places open them (top bar, welcome panel, chat). */
interface UIState {
  createOpen: boolean
  settingsOpen: boolean
  openCreate: () => void
  setCreateOpen: (o: boolean) => void
  openSettings: () => void
  setSettingsOpen: (o: boolean) => void
}

export const useUI = create<UIState>((set) => ({
  createOpen: false,
  settingsOpen: false,
  openCreate: () => set({ createOpen: true }),
  setCreateOpen: (createOpen) => set({ createOpen }),
  openSettings: () => set({ settingsOpen: true }),
  setSettingsOpen: (settingsOpen) => set({ settingsOpen }),
}))
