// The Settings form for an OpenAI-compatible server (and the Ollama / LM
// Studio base URLs), read from and written to settings.customProviders: the
// JSON the backend validates with llm.NewCatalog ({"providers":[...],
// "models":[...]}). Entries the form does not manage are kept as they are.

export const CUSTOM_ID = 'custom'
export const LOCAL_OVERRIDES = [
  { id: 'ollama', name: 'Ollama', placeholder: 'http://localhost:11434/v1' },
  { id: 'lmstudio', name: 'LM Studio', placeholder: 'http://localhost:1234/v1' },
] as const

export interface CustomServerForm {
  baseUrl: string
  /** Comma-separated model ids. */
  models: string
  /** The server's models take images (marked multimodal, so the chat can attach them). */
  images: boolean
  /** provider id (ollama, lmstudio) -> base URL override ('' = the default). */
  local: Record<string, string>
}

type JSONObject = Record<string, unknown>

const UNREADABLE =
  'The custom providers saved in Settings cannot be read, so Tessera will not overwrite them. Fix them in the settings file first.'

function isObject(v: unknown): v is JSONObject {
  return !!v && typeof v === 'object' && !Array.isArray(v)
}

/** settings.customProviders as an object (a copy); it may arrive as an object, as JSON text, or be absent. */
export function parseExtensions(raw: unknown): { ext: JSONObject } | { error: string } {
  if (raw === null || raw === undefined || raw === '') return { ext: {} }
  let v = raw
  if (typeof raw === 'string') {
    try {
      v = JSON.parse(raw)
    } catch {
      return { error: UNREADABLE }
    }
  }
  if (v === null) return { ext: {} }
  if (!isObject(v)) return { error: UNREADABLE }
  const ext = JSON.parse(JSON.stringify(v)) as JSONObject
  if (ext.providers !== undefined && ext.providers !== null && !Array.isArray(ext.providers)) return { error: UNREADABLE }
  return { ext }
}

function providersOf(ext: JSONObject): unknown[] {
  return Array.isArray(ext.providers) ? ext.providers : []
}

function entry(providers: unknown[], id: string): JSONObject | null {
  const e = providers.find((p) => isObject(p) && p.id === id)
  return isObject(e) ? e : null
}

/** The form's values from the saved JSON (empty when absent or unreadable). */
export function readCustomServer(raw: unknown): CustomServerForm {
  const parsed = parseExtensions(raw)
  const providers = 'ext' in parsed ? providersOf(parsed.ext) : []
  const custom = entry(providers, CUSTOM_ID)
  const entries = Array.isArray(custom?.models) ? custom.models.filter((m) => isObject(m) && typeof m.id === 'string' && m.id) : []
  const models = entries.map((m) => (m as JSONObject).id as string)
  const images = entries.length > 0 && entries.every((m) => (m as JSONObject).multimodal === true)
  const local: Record<string, string> = {}
  for (const { id } of LOCAL_OVERRIDES) {
    const url = entry(providers, id)?.base_url
    local[id] = typeof url === 'string' ? url : ''
  }
  return { baseUrl: typeof custom?.base_url === 'string' ? custom.base_url : '', models: models.join(', '), images, local }
}

/** null when the URL is usable as a provider base URL (http or https with a host), else the sentence. */
export function validateBaseURL(s: string, what = 'The base URL'): string | null {
  const v = s.trim()
  let u: URL
  try {
    u = new URL(v)
  } catch {
    return `${what} is not a valid URL. Use something like http://localhost:8000/v1.`
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return `${what} must start with http:// or https://.`
  if (!u.hostname) return `${what} has no host. Use something like http://localhost:8000/v1.`
  return null
}

/** Model ids from a comma (or newline) separated list: trimmed, without blanks or repeats. */
export function parseModelIds(text: string): string[] {
  const out: string[] = []
  for (const part of text.split(/[,\n]/)) {
    const id = part.trim()
    if (id && !out.includes(id)) out.push(id)
  }
  return out
}

/**
 * settings.customProviders with the form applied, every other entry kept.
 * `value` is undefined when nothing is left (the setting is then cleared).
 */
export function buildExtensions(raw: unknown, form: CustomServerForm): { value: JSONObject | undefined } | { error: string } {
  const parsed = parseExtensions(raw)
  if ('error' in parsed) return parsed
  const ext = parsed.ext
  let providers = providersOf(ext).slice()

  // The custom server.
  const baseUrl = form.baseUrl.trim()
  const ids = parseModelIds(form.models)
  if (!baseUrl && ids.length > 0) return { error: 'Add the base URL of the server, or remove its models.' }
  if (baseUrl) {
    const bad = validateBaseURL(baseUrl)
    if (bad) return { error: bad }
    // No model ids is fine: "Refresh models" can ask the server for its list.
  }
  const prev = entry(providers, CUSTOM_ID)
  providers = providers.filter((p) => !(isObject(p) && p.id === CUSTOM_ID))
  if (baseUrl) {
    const prevModels = Array.isArray(prev?.models) ? prev.models.filter(isObject) : []
    const models = ids.map((id) => {
      const known = prevModels.find((m) => m.id === id)
      const base = known ? { ...known, id, name: typeof known.name === 'string' && known.name ? known.name : id } : { id, name: id }
      return { ...base, multimodal: form.images }
    })
    providers.push({ ...(prev ?? {}), id: CUSTOM_ID, base_url: baseUrl, models })
  }

  // Ollama / LM Studio base URL overrides.
  for (const { id, name } of LOCAL_OVERRIDES) {
    const url = (form.local[id] ?? '').trim()
    if (url) {
      const bad = validateBaseURL(url, `The ${name} base URL`)
      if (bad) return { error: bad }
    }
    const i = providers.findIndex((p) => isObject(p) && p.id === id)
    const cur = i >= 0 ? (providers[i] as JSONObject) : null
    if (url) {
      const next = { ...(cur ?? { id }), base_url: url }
      if (i >= 0) providers[i] = next
      else providers.push(next)
    } else if (cur) {
      const rest = { ...cur }
      delete rest.base_url
      if (Object.keys(rest).every((k) => k === 'id')) providers.splice(i, 1)
      else providers[i] = rest
    }
  }

  if (providers.length > 0) ext.providers = providers
  else delete ext.providers
  return { value: Object.keys(ext).length > 0 ? ext : undefined }
}
