import { create } from 'zustand'
import * as api from '../api'
import type { EnvVar, SetEnvRequest } from '../api'
import { errorMessage } from '../api'

/** The same rules as the backend (store.ValidateEnvName / ValidateEnvValue), so the form can say it first. */
export function validateEnvName(name: string): string | null {
  const n = name.trim()
  if (!n) return 'Give the variable a name.'
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(n)) return `"${n}" is not a usable variable name: use letters, digits and _, not starting with a digit (at most 128).`
  return null
}

export function validateEnvValue(v: string): string | null {
  if (/['\\\r\n\0]/.test(v)) return "A value cannot contain a quote ('), a backslash or a line break: E2B's code interpreter cannot pass those to Python."
  return null
}

interface EnvState {
  /** Which project the list is of. */
  projectId: string | null
  vars: EnvVar[]
  loading: boolean
  error: string | null
  /** What the last change did to the sandbox, or what failed. */
  note: string | null
  warning: string | null
  load: (projectId: string) => Promise<void>
  set: (req: SetEnvRequest) => Promise<void>
  remove: (projectId: string, name: string) => Promise<void>
}

export const useEnv = create<EnvState>((set, get) => ({
  projectId: null,
  vars: [],
  loading: false,
  error: null,
  note: null,
  warning: null,

  load: async (projectId) => {
    set({ projectId, vars: [], loading: true, error: null, note: null, warning: null })
    try {
      const vars = await api.env.list(projectId)
      if (get().projectId === projectId) set({ vars, loading: false })
    } catch (e) {
      if (get().projectId === projectId) set({ loading: false, error: errorMessage(e) })
    }
  },

  set: async (req) => {
    const r = await api.env.set({ ...req, name: req.name.trim() })
    if (get().projectId === req.projectId) set({ vars: r.vars, note: r.note ?? null, warning: r.warning ?? null })
  },

  remove: async (projectId, name) => {
    const r = await api.env.remove(projectId, name)
    if (get().projectId === projectId) set({ vars: r.vars, note: r.note ?? null, warning: r.warning ?? null })
  },
}))
