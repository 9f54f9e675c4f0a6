export namespace api {
	
	export class BranchRequest {
	    projectId: string;
	    versionId: string;
	    name: string;
	
	    static createFrom(source: any = {}) {
	        return new BranchRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.projectId = source["projectId"];
	        this.versionId = source["versionId"];
	        this.name = source["name"];
	    }
	}
	export class VersionDTO {
	    id: string;
	    // Go type: time
	    time: any;
	    message: string;
	    kind: string;
	    messageId: string;
	    model: string;
	    restoredFrom: string;
	    filesChanged: string[];
	    current: boolean;
	
	    static createFrom(source: any = {}) {
	        return new VersionDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.time = this.convertValues(source["time"], null);
	        this.message = source["message"];
	        this.kind = source["kind"];
	        this.messageId = source["messageId"];
	        this.model = source["model"];
	        this.restoredFrom = source["restoredFrom"];
	        this.filesChanged = source["filesChanged"];
	        this.current = source["current"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class BranchResult {
	    project: store.Project;
	    version: VersionDTO;
	
	    static createFrom(source: any = {}) {
	        return new BranchResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.project = this.convertValues(source["project"], store.Project);
	        this.version = this.convertValues(source["version"], VersionDTO);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class CreateProjectRequest {
	    name: string;
	    description: string;
	    template: string;
	
	    static createFrom(source: any = {}) {
	        return new CreateProjectRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.description = source["description"];
	        this.template = source["template"];
	    }
	}
	export class DeleteMessageRequest {
	    projectId: string;
	    messageId: string;
	
	    static createFrom(source: any = {}) {
	        return new DeleteMessageRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.projectId = source["projectId"];
	        this.messageId = source["messageId"];
	    }
	}
	export class ErrorDTO {
	    code: string;
	    message: string;
	    retryAfterSeconds?: number;
	    field?: string;
	    userMessageId?: string;
	
	    static createFrom(source: any = {}) {
	        return new ErrorDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.code = source["code"];
	        this.message = source["message"];
	        this.retryAfterSeconds = source["retryAfterSeconds"];
	        this.field = source["field"];
	        this.userMessageId = source["userMessageId"];
	    }
	}
	export class FileDiffDTO {
	    path: string;
	    status: string;
	    before: string;
	    after: string;
	    binary: boolean;
	
	    static createFrom(source: any = {}) {
	        return new FileDiffDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.path = source["path"];
	        this.status = source["status"];
	        this.before = source["before"];
	        this.after = source["after"];
	        this.binary = source["binary"];
	    }
	}
	export class HistoryPage {
	    messages: store.Message[];
	    hasMore: boolean;
	
	    static createFrom(source: any = {}) {
	        return new HistoryPage(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.messages = this.convertValues(source["messages"], store.Message);
	        this.hasMore = source["hasMore"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class HistoryRequest {
	    projectId: string;
	    beforeSeq: number;
	    limit: number;
	
	    static createFrom(source: any = {}) {
	        return new HistoryRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.projectId = source["projectId"];
	        this.beforeSeq = source["beforeSeq"];
	        this.limit = source["limit"];
	    }
	}
	export class KeyCheckDTO {
	    ok: boolean;
	    message: string;
	    code?: string;
	
	    static createFrom(source: any = {}) {
	        return new KeyCheckDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.ok = source["ok"];
	        this.message = source["message"];
	        this.code = source["code"];
	    }
	}
	export class KeyDestination {
	    account: string;
	    name: string;
	    from: string;
	    to: string;
	
	    static createFrom(source: any = {}) {
	        return new KeyDestination(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.account = source["account"];
	        this.name = source["name"];
	        this.from = source["from"];
	        this.to = source["to"];
	    }
	}
	export class KeyRequest {
	    account: string;
	    value: string;
	
	    static createFrom(source: any = {}) {
	        return new KeyRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.account = source["account"];
	        this.value = source["value"];
	    }
	}
	export class ModelDTO {
	    id: string;
	    name: string;
	    multimodal: boolean;
	
	    static createFrom(source: any = {}) {
	        return new ModelDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.name = source["name"];
	        this.multimodal = source["multimodal"];
	    }
	}
	export class ProviderDTO {
	    id: string;
	    name: string;
	    needsKey: boolean;
	    local: boolean;
	    hasKey: boolean;
	    usable: boolean;
	    models: ModelDTO[];
	    defaultModel: string;
	    modelsFetchedAt: number;
	
	    static createFrom(source: any = {}) {
	        return new ProviderDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.name = source["name"];
	        this.needsKey = source["needsKey"];
	        this.local = source["local"];
	        this.hasKey = source["hasKey"];
	        this.usable = source["usable"];
	        this.models = this.convertValues(source["models"], ModelDTO);
	        this.defaultModel = source["defaultModel"];
	        this.modelsFetchedAt = source["modelsFetchedAt"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class RedirectConfirm {
	    token: string;
	    destinations: KeyDestination[];
	
	    static createFrom(source: any = {}) {
	        return new RedirectConfirm(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.token = source["token"];
	        this.destinations = this.convertValues(source["destinations"], KeyDestination);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class RestoreResult {
	    version: VersionDTO;
	    warning?: string;
	
	    static createFrom(source: any = {}) {
	        return new RestoreResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.version = this.convertValues(source["version"], VersionDTO);
	        this.warning = source["warning"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class SaveResult {
	    settings: config.Settings;
	    confirm?: RedirectConfirm;
	
	    static createFrom(source: any = {}) {
	        return new SaveResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.settings = this.convertValues(source["settings"], config.Settings);
	        this.confirm = this.convertValues(source["confirm"], RedirectConfirm);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class SendResult {
	    user?: store.Message;
	    assistant?: store.Message;
	    userSaved: boolean;
	
	    static createFrom(source: any = {}) {
	        return new SendResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.user = this.convertValues(source["user"], store.Message);
	        this.assistant = this.convertValues(source["assistant"], store.Message);
	        this.userSaved = source["userSaved"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class StartupStatus {
	    ok: boolean;
	    error?: ErrorDTO;
	    paths: config.Paths;
	    version: string;
	    e2bDomainEnv?: string;
	
	    static createFrom(source: any = {}) {
	        return new StartupStatus(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.ok = source["ok"];
	        this.error = this.convertValues(source["error"], ErrorDTO);
	        this.paths = this.convertValues(source["paths"], config.Paths);
	        this.version = source["version"];
	        this.e2bDomainEnv = source["e2bDomainEnv"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class TemplateDTO {
	    id: string;
	    name: string;
	    file: string;
	    port: number;
	    custom: boolean;
	
	    static createFrom(source: any = {}) {
	        return new TemplateDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.name = source["name"];
	        this.file = source["file"];
	        this.port = source["port"];
	        this.custom = source["custom"];
	    }
	}
	export class UpdateProjectRequest {
	    id: string;
	    name?: string;
	    description?: string;
	    template?: string;
	
	    static createFrom(source: any = {}) {
	        return new UpdateProjectRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.name = source["name"];
	        this.description = source["description"];
	        this.template = source["template"];
	    }
	}

}

export namespace chat {
	
	export class File {
	    path: string;
	    content: string;
	
	    static createFrom(source: any = {}) {
	        return new File(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.path = source["path"];
	        this.content = source["content"];
	    }
	}
	export class Image {
	    mime: string;
	    data: string;
	
	    static createFrom(source: any = {}) {
	        return new Image(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.mime = source["mime"];
	        this.data = source["data"];
	    }
	}
	export class Params {
	    temperature?: number;
	    topP?: number;
	    maxTokens?: number;
	    frequencyPenalty?: number;
	    presencePenalty?: number;
	
	    static createFrom(source: any = {}) {
	        return new Params(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.temperature = source["temperature"];
	        this.topP = source["topP"];
	        this.maxTokens = source["maxTokens"];
	        this.frequencyPenalty = source["frequencyPenalty"];
	        this.presencePenalty = source["presencePenalty"];
	    }
	}
	export class RetryRequest {
	    requestId: string;
	    projectId: string;
	    providerId: string;
	    modelId: string;
	    template: string;
	    params: Params;
	
	    static createFrom(source: any = {}) {
	        return new RetryRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.requestId = source["requestId"];
	        this.projectId = source["projectId"];
	        this.providerId = source["providerId"];
	        this.modelId = source["modelId"];
	        this.template = source["template"];
	        this.params = this.convertValues(source["params"], Params);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class SendRequest {
	    requestId: string;
	    projectId: string;
	    text: string;
	    images?: Image[];
	    providerId: string;
	    modelId: string;
	    template: string;
	    params: Params;
	
	    static createFrom(source: any = {}) {
	        return new SendRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.requestId = source["requestId"];
	        this.projectId = source["projectId"];
	        this.text = source["text"];
	        this.images = this.convertValues(source["images"], Image);
	        this.providerId = source["providerId"];
	        this.modelId = source["modelId"];
	        this.template = source["template"];
	        this.params = this.convertValues(source["params"], Params);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}

}

export namespace config {
	
	export class Paths {
	    Home: string;
	    Database: string;
	    LogFile: string;
	
	    static createFrom(source: any = {}) {
	        return new Paths(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.Home = source["Home"];
	        this.Database = source["Database"];
	        this.LogFile = source["LogFile"];
	    }
	}
	export class Settings {
	    e2bDomain: string;
	    defaultProvider: string;
	    defaultModel: string;
	    sandboxTimeoutMinutes: number;
	    idlePauseMinutes: number;
	    theme: string;
	    customProviders?: number[];
	    customTemplates: string[];
	    onboarded: boolean;
	    workspaceRoot: string;
	
	    static createFrom(source: any = {}) {
	        return new Settings(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.e2bDomain = source["e2bDomain"];
	        this.defaultProvider = source["defaultProvider"];
	        this.defaultModel = source["defaultModel"];
	        this.sandboxTimeoutMinutes = source["sandboxTimeoutMinutes"];
	        this.idlePauseMinutes = source["idlePauseMinutes"];
	        this.theme = source["theme"];
	        this.customProviders = source["customProviders"];
	        this.customTemplates = source["customTemplates"];
	        this.onboarded = source["onboarded"];
	        this.workspaceRoot = source["workspaceRoot"];
	    }
	}

}

export namespace sandbox {
	
	export class Status {
	    projectId: string;
	    state: string;
	    error?: string;
	    warning?: string;
	    sandboxId: string;
	    template?: string;
	    // Go type: time
	    timeoutAt: any;
	    // Go type: time
	    idlePauseAt: any;
	    runningSecondsToday: number;
	    runningSecondsTotal: number;
	
	    static createFrom(source: any = {}) {
	        return new Status(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.projectId = source["projectId"];
	        this.state = source["state"];
	        this.error = source["error"];
	        this.warning = source["warning"];
	        this.sandboxId = source["sandboxId"];
	        this.template = source["template"];
	        this.timeoutAt = this.convertValues(source["timeoutAt"], null);
	        this.idlePauseAt = this.convertValues(source["idlePauseAt"], null);
	        this.runningSecondsToday = source["runningSecondsToday"];
	        this.runningSecondsTotal = source["runningSecondsTotal"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}

}

export namespace store {
	
	export class Attachment {
	    mime: string;
	    data: string;
	
	    static createFrom(source: any = {}) {
	        return new Attachment(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.mime = source["mime"];
	        this.data = source["data"];
	    }
	}
	export class Message {
	    id: string;
	    projectId: string;
	    seq: number;
	    role: string;
	    content: string;
	    fragment?: number[];
	    result?: number[];
	    status: string;
	    // Go type: time
	    createdAt: any;
	
	    static createFrom(source: any = {}) {
	        return new Message(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.projectId = source["projectId"];
	        this.seq = source["seq"];
	        this.role = source["role"];
	        this.content = source["content"];
	        this.fragment = source["fragment"];
	        this.result = source["result"];
	        this.status = source["status"];
	        this.createdAt = this.convertValues(source["createdAt"], null);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class Project {
	    id: string;
	    name: string;
	    description: string;
	    template: string;
	    sandboxId: string;
	    sandboxState: string;
	    // Go type: time
	    createdAt: any;
	    // Go type: time
	    updatedAt: any;
	    // Go type: time
	    lastActivityAt: any;
	    workspace: string;
	
	    static createFrom(source: any = {}) {
	        return new Project(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.name = source["name"];
	        this.description = source["description"];
	        this.template = source["template"];
	        this.sandboxId = source["sandboxId"];
	        this.sandboxState = source["sandboxState"];
	        this.createdAt = this.convertValues(source["createdAt"], null);
	        this.updatedAt = this.convertValues(source["updatedAt"], null);
	        this.lastActivityAt = this.convertValues(source["lastActivityAt"], null);
	        this.workspace = source["workspace"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}

}

