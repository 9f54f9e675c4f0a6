import { create } from 'zustand'
import * as api from '../api'
import { errorMessage } from '../api'

export type KeyCheckState = { state: 'checking' } | { state: 'ok'; message: string } | { state: 'failed'; message: string }

interface KeyChecks {
  /** keychain account -> the last check of its key */
  results: Record<string, KeyCheckState>
  /** Checks the key saved for a keychain account ("e2b" or "llm:<id>"). */
  check: (account: string) => Promise<void>
  clear: (account: string) => void
}

const seq: Record<string, number> = {}

export const useKeyChecks = create<KeyChecks>((set, get) => ({
  results: {},
  check: async (account) => {
    const mine = (seq[account] = (seq[account] ?? 0) + 1)
    set({ results: { ...get().results, [account]: { state: 'checking' } } })
    let next: KeyCheckState
    try {
      const r = await api.keyCheck.check(account)
      next = r.ok ? { state: 'ok', message: r.message } : { state: 'failed', message: r.message }
    } catch (e) {
      next = { state: 'failed', message: errorMessage(e) }
    }
    // A check started later (the key was replaced meanwhile) wins.
    if (seq[account] === mine) {
      set({ results: { ...get().results, [account]: next } })
    }
  },
  clear: (account) => {
    seq[account] = (seq[account] ?? 0) + 1
    const results = { ...get().results }
    delete results[account]
    set({ results })
  },
}))
