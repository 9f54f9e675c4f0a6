// A hand-made fake of src/api for store and component tests (never wailsjs).
import { vi } from 'vitest'
import type { BuildInfo, EnvResult, EnvVar, SearchGroup, ChatEvent, FileEntry, HistoryPage, KeyCheck, Model, Project, Provider, SandboxStatus, SandboxCostReport, ModelSpendReport, SandboxMetric, PublishResult, SaveResult, SendResult, Settings, Template, Paths, StartupStatus, UpdateStatus, UndoResult, Starter } from '../api'

export const chatHandlers = new Map<string, (batch: ChatEvent[]) => void>()

/** Accounts with a saved key in the fake keychain. */
export const fakeKeychain = new Set<string>()

export function makeApiMock(actual: Record<string, unknown>) {
  return {
    ...actual,
    system: { status: vi.fn(async (): Promise<StartupStatus> => ({ ok: true, paths: { home: '', database: '', logFile: '' }, version: 'test' })) },
    projects: {
      list: vi.fn(async (): Promise<Project[]> => []),
      create: vi.fn(async (_req: unknown): Promise<Project> => { throw new Error('not mocked') }),
      update: vi.fn(async (_req: unknown): Promise<Project> => { throw new Error('not mocked') }),
      remove: vi.fn(async (_id: string): Promise<void> => undefined),
      select: vi.fn(async (_id: string): Promise<Project> => { throw new Error('not mocked') }),
      current: vi.fn(async (): Promise<string> => ''),
      duplicate: vi.fn(async (_id: string): Promise<Project> => { throw new Error('not mocked') }),
      keepSandbox: vi.fn(async (_id: string): Promise<Project> => { throw new Error('not mocked') }),
      starters: vi.fn(async (): Promise<Starter[]> => []),
    },
    env: {
      list: vi.fn(async (_projectId: string): Promise<EnvVar[]> => []),
      set: vi.fn(async (_req: unknown): Promise<EnvResult> => ({ vars: [] })),
      remove: vi.fn(async (_projectId: string, _name: string): Promise<EnvResult> => ({ vars: [] })),
    },
    settings: {
      get: vi.fn(async (): Promise<Settings> => { throw new Error('not mocked') }),
      save: vi.fn(async (s: Settings): Promise<SaveResult> => ({ settings: s })),
      confirmSave: vi.fn(async (_token: string): Promise<Settings> => { throw new Error('not mocked') }),
      setKey: vi.fn(async (account: string) => {
        fakeKeychain.add(account)
      }),
      hasKey: vi.fn(async (account: string) => fakeKeychain.has(account)),
      keyStatus: vi.fn(async (accounts: string[]) => Object.fromEntries(accounts.map((a) => [a, fakeKeychain.has(a)]))),
      deleteKey: vi.fn(async (account: string) => {
        fakeKeychain.delete(account)
      }),
      paths: vi.fn(async (): Promise<Paths> => ({ home: '', database: '', logFile: '' })),
    },
    about: {
      get: vi.fn(async (): Promise<BuildInfo> => ({ version: '0.0.0-test', buildDate: '', goVersion: 'go1.0', wailsVersion: 'v2.0.0', releaseFeed: '' })),
    },
    updates: {
      check: vi.fn(async (): Promise<UpdateStatus> => ({ enabled: true, feed: 'https://releases.example.com/tessera.atom', current: '0.0.0-test', checkedAt: '', available: false, latest: '', url: '', publishedAt: '', error: '' })),
      checkNow: vi.fn(async (): Promise<UpdateStatus> => ({ enabled: true, feed: 'https://releases.example.com/tessera.atom', current: '0.0.0-test', checkedAt: '', available: false, latest: '', url: '', publishedAt: '', error: '' })),
    },
    keyCheck: {
      check: vi.fn(async (target: string): Promise<KeyCheck> => ({ ok: true, message: `Works: ${target} answered.` })),
    },
    catalog: {
      providers: vi.fn(async (): Promise<Provider[]> => []),
      refreshModels: vi.fn(async (_id: string): Promise<Model[]> => []),
      templates: vi.fn(async (): Promise<Template[]> => []),
    },
    sandbox: {
      status: vi.fn(async (projectId: string): Promise<SandboxStatus> => ({ projectId, state: 'none', sandboxId: '', timeoutAt: '', idlePauseAt: '', runningSecondsToday: 0, runningSecondsTotal: 0, todayUSD: 0, monthUSD: 0, budgetUSD: 0, publishedUntil: '' })),
      pause: vi.fn(async () => undefined),
      resume: vi.fn(async () => undefined),
      restart: vi.fn(async () => undefined),
      cost: vi.fn(async (projectId: string): Promise<SandboxCostReport> => ({ projectId, vcpuPerSecond: 0.000014, gibPerSecond: 0.0000045, cpuCount: 2, memoryMB: 512, resourcesKnown: false, days: [], today: { day: '', runningSeconds: 0, vcpuSeconds: 0, memMiBSeconds: 0, usd: 0 }, month: { day: '', runningSeconds: 0, vcpuSeconds: 0, memMiBSeconds: 0, usd: 0 }, budgetUSD: 0 })),
      metrics: vi.fn(async (_projectId: string): Promise<SandboxMetric[]> => []),
      setBudget: vi.fn(async (_projectId: string, _usd: number) => undefined),
      modelSpend: vi.fn(async (projectId: string): Promise<ModelSpendReport> => ({ projectId, month: '2026-12', calls: 0, usd: 0, unpriced: 0, estimated: 0, unknown: 0, promptTokens: 0, cachedTokens: 0, outputTokens: 0, budgetUSD: 0, level: '', note: '', priceDate: '2026-11-01' })),
      setModelBudget: vi.fn(async (_projectId: string, _usd: number) => undefined),
      publish: vi.fn(async (_projectId: string, _port: number, _hours: number): Promise<PublishResult> => ({ url: '', until: '' })),
      unpublish: vi.fn(async (_projectId: string) => undefined),
      setWindowHidden: vi.fn(async (_hidden: boolean) => undefined),
      wake: vi.fn(async (_projectId: string) => undefined),
      windowMinimised: vi.fn(async () => false),
    },
    chat: {
      history: vi.fn(async (_req: { projectId: string; beforeSeq?: number; limit?: number }): Promise<HistoryPage> => ({ messages: [], hasMore: false })),
      send: vi.fn(async (_req: { requestId: string }): Promise<SendResult> => ({ userSaved: false })),
      retry: vi.fn(async (_req: { requestId: string }): Promise<SendResult> => ({ userSaved: false })),
      stop: vi.fn(async (_requestId: string): Promise<void> => undefined),
      undo: vi.fn(async (_projectId: string): Promise<UndoResult> => ({ restored: false, canRedo: true })),
      undoAnyway: vi.fn(async (_projectId: string): Promise<UndoResult> => ({ restored: true, canRedo: true, agent: true, files: 'restored' })),
      redo: vi.fn(async (_projectId: string): Promise<UndoResult> => ({ restored: false, canRedo: false })),
      canRedo: vi.fn(async (_projectId: string): Promise<boolean> => false),
      clear: vi.fn(async () => undefined),
      deleteMessage: vi.fn(async (_projectId: string, _messageId: string) => undefined),
      files: vi.fn(async (_projectId: string): Promise<FileEntry[]> => []),
    },
    search: {
      query: vi.fn(async (_query: string, _limit?: number): Promise<SearchGroup[]> => []),
    },
    subscribe: vi.fn((_topic: string, _handler: (p: unknown) => void) => () => {}),
    subscribeChat: vi.fn((requestId: string, handler: (batch: ChatEvent[]) => void) => {
      chatHandlers.set(requestId, handler)
      return () => chatHandlers.delete(requestId)
    }),
    openURL: vi.fn(),
  }
}
