import { create } from 'zustand'
import * as api from '../api'
import type { EnvVar, SetEnvRequest } from '../api'
import { errorMessage } from '../api'

/** The same rules as the backend (store.ValidateEnvName / ValidateEnvValue), so the form can say it first. */
/** A name echoed in a sentence is cut (a pasted paragraph must not come back as one). */
export function cutName(n: string): string {
  const r = Array.from(n)
  return r.length <= 40 ? n : r.slice(0, 39).join('') + '…'
}

/** The backend's one limit for plain values and secrets (store.MaxEnvValueLen). */
export const MAX_ENV_VALUE_BYTES = 32 << 10

export function validateEnvName(name: string): string | null {
  const n = name.trim()
  if (!n) return 'Give the variable a name.'
  if (Array.from(n).length > 128) return `A variable name can have at most 128 characters; "${cutName(n)}" has ${Array.from(n).length}.`
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(n)) return `"${cutName(n)}" is not a usable variable name: use letters, digits and _, not starting with a digit (at most 128).`
  return null
}

export function validateEnvValue(v: string): string | null {
  const bytes = new TextEncoder().encode(v).length
  if (bytes > MAX_ENV_VALUE_BYTES)
    return `A value can be at most ${MAX_ENV_VALUE_BYTES >> 10} KB; this one is ${Math.ceil(bytes / 1024)} KB. Put large data in a file of the project instead.`
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
  /** What the person should know about the value saved (a variable that changes how programs start, a trimmed secret, an earlier value the sandbox was made with). */
  notes: string[]
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
  notes: [],

  load: async (projectId) => {
    set({ projectId, vars: [], loading: true, error: null, note: null, warning: null, notes: [] })
    try {
      const vars = await api.env.list(projectId)
      if (get().projectId === projectId) set({ vars, loading: false })
    } catch (e) {
      if (get().projectId === projectId) set({ loading: false, error: errorMessage(e) })
    }
  },

  set: async (req) => {
    const r = await api.env.set({ ...req, name: req.name.trim() })
    if (get().projectId === req.projectId) set({ vars: r.vars, note: r.note ?? null, warning: r.warning ?? null, notes: r.notes ?? [] })
  },

  remove: async (projectId, name) => {
    const r = await api.env.remove(projectId, name)
    if (get().projectId === projectId) set({ vars: r.vars, note: r.note ?? null, warning: r.warning ?? null, notes: r.notes ?? [] })
  },
}))
