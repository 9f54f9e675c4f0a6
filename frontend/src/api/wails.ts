// The ONLY module of the page that imports the generated Wails bindings and
// runtime. Everything else goes through src/api/index.ts.
import * as Catalog from '../../wailsjs/go/api/CatalogService'
import * as Chat from '../../wailsjs/go/api/ChatService'
import * as KeyCheck from '../../wailsjs/go/api/KeyCheckService'
import * as Projects from '../../wailsjs/go/api/ProjectService'
import * as Sandbox from '../../wailsjs/go/api/SandboxService'
import * as SettingsSvc from '../../wailsjs/go/api/SettingsService'
import * as System from '../../wailsjs/go/api/SystemService'
import * as Versions from '../../wailsjs/go/api/VersionsService'
import { BrowserOpenURL, EventsOn } from '../../wailsjs/runtime/runtime'

export const bindings = { Catalog, Chat, KeyCheck, Projects, Sandbox, Settings: SettingsSvc, System, Versions }
export const runtime = { BrowserOpenURL, EventsOn }
