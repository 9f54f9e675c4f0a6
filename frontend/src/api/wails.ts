// The ONLY module of the page that imports the generated Wails bindings and
// runtime (types.ts and index.ts import the generated types, never code). Everything else goes through src/api/index.ts.
import * as About from '../../wailsjs/go/api/AboutService'
import * as Agent from '../../wailsjs/go/api/AgentService'
import * as Catalog from '../../wailsjs/go/api/CatalogService'
import * as Chat from '../../wailsjs/go/api/ChatService'
import * as Env from '../../wailsjs/go/api/EnvService'
import * as KeyCheck from '../../wailsjs/go/api/KeyCheckService'
import * as Projects from '../../wailsjs/go/api/ProjectService'
import * as Sandbox from '../../wailsjs/go/api/SandboxService'
import * as SearchSvc from '../../wailsjs/go/api/SearchService'
import * as SettingsSvc from '../../wailsjs/go/api/SettingsService'
import * as System from '../../wailsjs/go/api/SystemService'
import * as Terminal from '../../wailsjs/go/api/TerminalService'
import * as Transfer from '../../wailsjs/go/api/TransferService'
import * as Update from '../../wailsjs/go/api/UpdateService'
import * as UploadSvc from '../../wailsjs/go/api/UploadService'
import * as FilesSvc from '../../wailsjs/go/api/FilesService'
import * as Versions from '../../wailsjs/go/api/VersionsService'
import { api as models } from '../../wailsjs/go/models'
import { BrowserOpenURL, EventsOn, WindowIsMinimised } from '../../wailsjs/runtime/runtime'

export const bindings = { About, Agent, Catalog, Chat, Env, Files: FilesSvc, KeyCheck, Projects, Sandbox, Search: SearchSvc, Settings: SettingsSvc, System, Terminal, Transfer, Update, Upload: UploadSvc, Versions }
export const runtime = { BrowserOpenURL, EventsOn, WindowIsMinimised }
/** The generated classes, for requests whose class has methods (createFrom builds one from plain data). */
export { models }
