export namespace api {
	
	export class AgentContinueRequest {
	    requestId: string;
	    turnId: string;
	
	    static createFrom(source: any = {}) {
	        return new AgentContinueRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.requestId = source["requestId"];
	        this.turnId = source["turnId"];
	    }
	}
	export class AgentModeRequest {
	    projectId: string;
	    providerId: string;
	    modelId: string;
	
	    static createFrom(source: any = {}) {
	        return new AgentModeRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.projectId = source["projectId"];
	        this.providerId = source["providerId"];
	        this.modelId = source["modelId"];
	    }
	}
	export class AgentSettings {
	    stepLimit: number;
	    spendCapUsd: number;
	    timeLimitSeconds: number;
	    autoApprove: boolean;
	    tools: Record<string, string>;
	    allow: Record<string, boolean>;
	
	    static createFrom(source: any = {}) {
	        return new AgentSettings(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.stepLimit = source["stepLimit"];
	        this.spendCapUsd = source["spendCapUsd"];
	        this.timeLimitSeconds = source["timeLimitSeconds"];
	        this.autoApprove = source["autoApprove"];
	        this.tools = source["tools"];
	        this.allow = source["allow"];
	    }
	}
	export class AgentUsage {
	    promptTokens: number;
	    completionTokens: number;
	    cachedTokens: number;
	    reasoningTokens: number;
	
	    static createFrom(source: any = {}) {
	        return new AgentUsage(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.promptTokens = source["promptTokens"];
	        this.completionTokens = source["completionTokens"];
	        this.cachedTokens = source["cachedTokens"];
	        this.reasoningTokens = source["reasoningTokens"];
	    }
	}
	export class AgentToolResult {
	    ok: boolean;
	    exitCode?: number;
	    output: string;
	    truncatedFrom?: number;
	    hint?: string;
	
	    static createFrom(source: any = {}) {
	        return new AgentToolResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.ok = source["ok"];
	        this.exitCode = source["exitCode"];
	        this.output = source["output"];
	        this.truncatedFrom = source["truncatedFrom"];
	        this.hint = source["hint"];
	    }
	}
	export class AgentStep {
	    id: string;
	    turnId: string;
	    seq: number;
	    tool: string;
	    args: unknown;
	    title: string;
	    status: string;
	    result?: AgentToolResult;
	    approvalId?: string;
	    usage: AgentUsage;
	    costUsd: number;
	    startedAt: string;
	    endedAt?: string;
	    durationMs: number;
	    changed?: string[];
	
	    static createFrom(source: any = {}) {
	        return new AgentStep(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.turnId = source["turnId"];
	        this.seq = source["seq"];
	        this.tool = source["tool"];
	        this.args = source["args"];
	        this.title = source["title"];
	        this.status = source["status"];
	        this.result = this.convertValues(source["result"], AgentToolResult);
	        this.approvalId = source["approvalId"];
	        this.usage = this.convertValues(source["usage"], AgentUsage);
	        this.costUsd = source["costUsd"];
	        this.startedAt = source["startedAt"];
	        this.endedAt = source["endedAt"];
	        this.durationMs = source["durationMs"];
	        this.changed = source["changed"];
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
	export class AgentTodo {
	    text: string;
	    done: boolean;
	
	    static createFrom(source: any = {}) {
	        return new AgentTodo(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.text = source["text"];
	        this.done = source["done"];
	    }
	}
	
	export class AgentTurnResult {
	    turnId: string;
	    messageId: string;
	    mode: string;
	    status: string;
	    reason: string;
	    summary: string;
	    notice?: string;
	    canContinue: boolean;
	    steps: number;
	    usage: AgentUsage;
	    costUsd: number;
	    priced: boolean;
	    versionId?: string;
	    partial?: boolean;
	    checked?: string[];
	    todos?: AgentTodo[];
	
	    static createFrom(source: any = {}) {
	        return new AgentTurnResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.turnId = source["turnId"];
	        this.messageId = source["messageId"];
	        this.mode = source["mode"];
	        this.status = source["status"];
	        this.reason = source["reason"];
	        this.summary = source["summary"];
	        this.notice = source["notice"];
	        this.canContinue = source["canContinue"];
	        this.steps = source["steps"];
	        this.usage = this.convertValues(source["usage"], AgentUsage);
	        this.costUsd = source["costUsd"];
	        this.priced = source["priced"];
	        this.versionId = source["versionId"];
	        this.partial = source["partial"];
	        this.checked = source["checked"];
	        this.todos = this.convertValues(source["todos"], AgentTodo);
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
	export class AgentTurnLog {
	    turn: AgentTurnResult;
	    stepList: AgentStep[];
	
	    static createFrom(source: any = {}) {
	        return new AgentTurnLog(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.turn = this.convertValues(source["turn"], AgentTurnResult);
	        this.stepList = this.convertValues(source["stepList"], AgentStep);
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
	export class AgentTurnRequest {
	    requestId: string;
	    projectId: string;
	    text: string;
	    mode: string;
	    providerId: string;
	    modelId: string;
	    params: Params;
	    plan: string;
	
	    static createFrom(source: any = {}) {
	        return new AgentTurnRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.requestId = source["requestId"];
	        this.projectId = source["projectId"];
	        this.text = source["text"];
	        this.mode = source["mode"];
	        this.providerId = source["providerId"];
	        this.modelId = source["modelId"];
	        this.params = this.convertValues(source["params"], Params);
	        this.plan = source["plan"];
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
	
	
	export class AnswerRequest {
	    approvalId: string;
	    decision: string;
	    tool: string;
	
	    static createFrom(source: any = {}) {
	        return new AnswerRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.approvalId = source["approvalId"];
	        this.decision = source["decision"];
	        this.tool = source["tool"];
	    }
	}
	export class BranchRequest {
	    projectId: string;
	    versionId: string;
	    name: string;
	    withSandbox: boolean;
	
	    static createFrom(source: any = {}) {
	        return new BranchRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.projectId = source["projectId"];
	        this.versionId = source["versionId"];
	        this.name = source["name"];
	        this.withSandbox = source["withSandbox"];
	    }
	}
	export class VersionDTO {
	    id: string;
	    time: string;
	    message: string;
	    kind: string;
	    messageId: string;
	    model: string;
	    restoredFrom: string;
	    filesChanged: string[];
	    current: boolean;
	    restorePoint: boolean;
	    conflicts: string[];
	
	    static createFrom(source: any = {}) {
	        return new VersionDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.time = source["time"];
	        this.message = source["message"];
	        this.kind = source["kind"];
	        this.messageId = source["messageId"];
	        this.model = source["model"];
	        this.restoredFrom = source["restoredFrom"];
	        this.filesChanged = source["filesChanged"];
	        this.current = source["current"];
	        this.restorePoint = source["restorePoint"];
	        this.conflicts = source["conflicts"];
	    }
	}
	export class Project {
	    id: string;
	    name: string;
	    description: string;
	    template: string;
	    sandboxId: string;
	    sandboxState: string;
	    createdAt: string;
	    updatedAt: string;
	    lastActivityAt: string;
	    workspace?: string;
	    keptAt?: string;
	    sandboxRemovedAt?: string;
	    runningSeconds?: number;
	    cleanupAt?: string;
	
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
	        this.createdAt = source["createdAt"];
	        this.updatedAt = source["updatedAt"];
	        this.lastActivityAt = source["lastActivityAt"];
	        this.workspace = source["workspace"];
	        this.keptAt = source["keptAt"];
	        this.sandboxRemovedAt = source["sandboxRemovedAt"];
	        this.runningSeconds = source["runningSeconds"];
	        this.cleanupAt = source["cleanupAt"];
	    }
	}
	export class BranchResult {
	    project: Project;
	    version: VersionDTO;
	    warning?: string;
	
	    static createFrom(source: any = {}) {
	        return new BranchResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.project = this.convertValues(source["project"], Project);
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
	export class BuildInfo {
	    version: string;
	    buildDate: string;
	    goVersion: string;
	    wailsVersion: string;
	    releaseFeed: string;
	
	    static createFrom(source: any = {}) {
	        return new BuildInfo(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.version = source["version"];
	        this.buildDate = source["buildDate"];
	        this.goVersion = source["goVersion"];
	        this.wailsVersion = source["wailsVersion"];
	        this.releaseFeed = source["releaseFeed"];
	    }
	}
	export class CostDay {
	    day: string;
	    runningSeconds: number;
	    vcpuSeconds: number;
	    memMiBSeconds: number;
	    usd: number;
	
	    static createFrom(source: any = {}) {
	        return new CostDay(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.day = source["day"];
	        this.runningSeconds = source["runningSeconds"];
	        this.vcpuSeconds = source["vcpuSeconds"];
	        this.memMiBSeconds = source["memMiBSeconds"];
	        this.usd = source["usd"];
	    }
	}
	export class CreateFileRequest {
	    projectId: string;
	    path: string;
	    dir: boolean;
	
	    static createFrom(source: any = {}) {
	        return new CreateFileRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.projectId = source["projectId"];
	        this.path = source["path"];
	        this.dir = source["dir"];
	    }
	}
	export class CreateProjectRequest {
	    name: string;
	    description: string;
	    template: string;
	    starter?: string;
	
	    static createFrom(source: any = {}) {
	        return new CreateProjectRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.description = source["description"];
	        this.template = source["template"];
	        this.starter = source["starter"];
	    }
	}
	export class DeleteFileRequest {
	    projectId: string;
	    path: string;
	
	    static createFrom(source: any = {}) {
	        return new DeleteFileRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.projectId = source["projectId"];
	        this.path = source["path"];
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
	export class EnvVar {
	    name: string;
	    value: string;
	    secret: boolean;
	    updatedAt: string;
	
	    static createFrom(source: any = {}) {
	        return new EnvVar(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.value = source["value"];
	        this.secret = source["secret"];
	        this.updatedAt = source["updatedAt"];
	    }
	}
	export class EnvResult {
	    vars: EnvVar[];
	    note?: string;
	    warning?: string;
	    notes?: string[];
	
	    static createFrom(source: any = {}) {
	        return new EnvResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.vars = this.convertValues(source["vars"], EnvVar);
	        this.note = source["note"];
	        this.warning = source["warning"];
	        this.notes = source["notes"];
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
	export class ExportRequest {
	    projectId: string;
	    path: string;
	
	    static createFrom(source: any = {}) {
	        return new ExportRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.projectId = source["projectId"];
	        this.path = source["path"];
	    }
	}
	export class ExportResult {
	    path: string;
	    files: number;
	    messages: number;
	    bytes: number;
	
	    static createFrom(source: any = {}) {
	        return new ExportResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.path = source["path"];
	        this.files = source["files"];
	        this.messages = source["messages"];
	        this.bytes = source["bytes"];
	    }
	}
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
	export class FileChangeResult {
	    version?: VersionDTO;
	    warning?: string;
	    synced: boolean;
	
	    static createFrom(source: any = {}) {
	        return new FileChangeResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.version = this.convertValues(source["version"], VersionDTO);
	        this.warning = source["warning"];
	        this.synced = source["synced"];
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
	export class FileContentDTO {
	    path: string;
	    content: string;
	    binary: boolean;
	    size: number;
	
	    static createFrom(source: any = {}) {
	        return new FileContentDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.path = source["path"];
	        this.content = source["content"];
	        this.binary = source["binary"];
	        this.size = source["size"];
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
	export class TreeEntryDTO {
	    path: string;
	    dir: boolean;
	    size: number;
	    link: boolean;
	    target: string;
	
	    static createFrom(source: any = {}) {
	        return new TreeEntryDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.path = source["path"];
	        this.dir = source["dir"];
	        this.size = source["size"];
	        this.link = source["link"];
	        this.target = source["target"];
	    }
	}
	export class FileTreeDTO {
	    entries: TreeEntryDTO[];
	    truncated: boolean;
	
	    static createFrom(source: any = {}) {
	        return new FileTreeDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.entries = this.convertValues(source["entries"], TreeEntryDTO);
	        this.truncated = source["truncated"];
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
	export class Message {
	    id: string;
	    projectId: string;
	    seq: number;
	    role: 'user' | 'assistant';
	    content: string;
	    fragment?: unknown;
	    result?: unknown;
	    status: 'done' | 'streaming' | 'stopped' | 'error' | 'interrupted';
	    createdAt: string;
	    attachments?: Image[];
	
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
	        this.createdAt = source["createdAt"];
	        this.attachments = this.convertValues(source["attachments"], Image);
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
	export class HistoryPage {
	    messages: Message[];
	    hasMore: boolean;
	
	    static createFrom(source: any = {}) {
	        return new HistoryPage(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.messages = this.convertValues(source["messages"], Message);
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
	
	export class ImportResult {
	    project: Project;
	    files: number;
	    versions: number;
	    messages: number;
	    skipped: number;
	    sandbox: 'adopted' | 'none';
	    warning?: string;
	
	    static createFrom(source: any = {}) {
	        return new ImportResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.project = this.convertValues(source["project"], Project);
	        this.files = source["files"];
	        this.versions = source["versions"];
	        this.messages = source["messages"];
	        this.skipped = source["skipped"];
	        this.sandbox = source["sandbox"];
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
	export class KeyCheck {
	    ok: boolean;
	    message: string;
	    code?: string;
	
	    static createFrom(source: any = {}) {
	        return new KeyCheck(source);
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
	
	export class Model {
	    id: string;
	    name: string;
	    multimodal: boolean;
	    tools?: boolean;
	
	    static createFrom(source: any = {}) {
	        return new Model(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.name = source["name"];
	        this.multimodal = source["multimodal"];
	        this.tools = source["tools"];
	    }
	}
	export class ModelSpendReport {
	    projectId: string;
	    month: string;
	    calls: number;
	    usd: number;
	    unpriced: number;
	    estimated: number;
	    unknown: number;
	    promptTokens: number;
	    cachedTokens: number;
	    outputTokens: number;
	    budgetUSD: number;
	    level: string;
	    note: string;
	    priceDate: string;
	
	    static createFrom(source: any = {}) {
	        return new ModelSpendReport(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.projectId = source["projectId"];
	        this.month = source["month"];
	        this.calls = source["calls"];
	        this.usd = source["usd"];
	        this.unpriced = source["unpriced"];
	        this.estimated = source["estimated"];
	        this.unknown = source["unknown"];
	        this.promptTokens = source["promptTokens"];
	        this.cachedTokens = source["cachedTokens"];
	        this.outputTokens = source["outputTokens"];
	        this.budgetUSD = source["budgetUSD"];
	        this.level = source["level"];
	        this.note = source["note"];
	        this.priceDate = source["priceDate"];
	    }
	}
	
	export class Paths {
	    home: string;
	    database: string;
	    logFile: string;
	
	    static createFrom(source: any = {}) {
	        return new Paths(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.home = source["home"];
	        this.database = source["database"];
	        this.logFile = source["logFile"];
	    }
	}
	
	export class Provider {
	    id: string;
	    name: string;
	    needsKey: boolean;
	    local: boolean;
	    hasKey: boolean;
	    usable: boolean;
	    tools?: boolean;
	    models: Model[];
	    defaultModel: string;
	    modelsFetchedAt: number;
	
	    static createFrom(source: any = {}) {
	        return new Provider(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.name = source["name"];
	        this.needsKey = source["needsKey"];
	        this.local = source["local"];
	        this.hasKey = source["hasKey"];
	        this.usable = source["usable"];
	        this.tools = source["tools"];
	        this.models = this.convertValues(source["models"], Model);
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
	export class PublishResult {
	    url: string;
	    until: string;
	    note?: string;
	
	    static createFrom(source: any = {}) {
	        return new PublishResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.url = source["url"];
	        this.until = source["until"];
	        this.note = source["note"];
	    }
	}
	export class PushResultDTO {
	    url: string;
	    branch: string;
	    head: string;
	    upToDate: boolean;
	    pushedAt: string;
	    warning: string;
	
	    static createFrom(source: any = {}) {
	        return new PushResultDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.url = source["url"];
	        this.branch = source["branch"];
	        this.head = source["head"];
	        this.upToDate = source["upToDate"];
	        this.pushedAt = source["pushedAt"];
	        this.warning = source["warning"];
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
	export class RemoteDTO {
	    url: string;
	    username: string;
	    branch: string;
	    hasToken: boolean;
	    pushedAt: string;
	
	    static createFrom(source: any = {}) {
	        return new RemoteDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.url = source["url"];
	        this.username = source["username"];
	        this.branch = source["branch"];
	        this.hasToken = source["hasToken"];
	        this.pushedAt = source["pushedAt"];
	    }
	}
	export class RenameFileRequest {
	    projectId: string;
	    from: string;
	    to: string;
	
	    static createFrom(source: any = {}) {
	        return new RenameFileRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.projectId = source["projectId"];
	        this.from = source["from"];
	        this.to = source["to"];
	    }
	}
	export class RestoreBeforeRequest {
	    turnId: string;
	    seq: number;
	    anyway: boolean;
	
	    static createFrom(source: any = {}) {
	        return new RestoreBeforeRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.turnId = source["turnId"];
	        this.seq = source["seq"];
	        this.anyway = source["anyway"];
	    }
	}
	export class RestorePointsDTO {
	    count: number;
	    saving: boolean;
	
	    static createFrom(source: any = {}) {
	        return new RestorePointsDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.count = source["count"];
	        this.saving = source["saving"];
	    }
	}
	export class RestoreResult {
	    version: VersionDTO;
	    warning?: string;
	    runtime: boolean;
	
	    static createFrom(source: any = {}) {
	        return new RestoreResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.version = this.convertValues(source["version"], VersionDTO);
	        this.warning = source["warning"];
	        this.runtime = source["runtime"];
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
	export class SandboxCostReport {
	    projectId: string;
	    vcpuPerSecond: number;
	    gibPerSecond: number;
	    cpuCount: number;
	    memoryMB: number;
	    resourcesKnown: boolean;
	    days: CostDay[];
	    today: CostDay;
	    month: CostDay;
	    budgetUSD: number;
	
	    static createFrom(source: any = {}) {
	        return new SandboxCostReport(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.projectId = source["projectId"];
	        this.vcpuPerSecond = source["vcpuPerSecond"];
	        this.gibPerSecond = source["gibPerSecond"];
	        this.cpuCount = source["cpuCount"];
	        this.memoryMB = source["memoryMB"];
	        this.resourcesKnown = source["resourcesKnown"];
	        this.days = this.convertValues(source["days"], CostDay);
	        this.today = this.convertValues(source["today"], CostDay);
	        this.month = this.convertValues(source["month"], CostDay);
	        this.budgetUSD = source["budgetUSD"];
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
	export class SandboxMetric {
	    at: string;
	    cpuCount: number;
	    cpuUsedPct: number;
	    memUsedMB: number;
	    memTotalMB: number;
	
	    static createFrom(source: any = {}) {
	        return new SandboxMetric(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.at = source["at"];
	        this.cpuCount = source["cpuCount"];
	        this.cpuUsedPct = source["cpuUsedPct"];
	        this.memUsedMB = source["memUsedMB"];
	        this.memTotalMB = source["memTotalMB"];
	    }
	}
	export class SandboxStatus {
	    projectId: string;
	    state: 'none' | 'starting' | 'resuming' | 'running' | 'pausing' | 'paused' | 'rebuilding' | 'error' | 'unreachable';
	    error?: string;
	    warning?: string;
	    waiting?: string;
	    sandboxId: string;
	    template?: string;
	    timeoutAt: string;
	    idlePauseAt: string;
	    runningSecondsToday: number;
	    runningSecondsTotal: number;
	    todayUSD: number;
	    monthUSD: number;
	    budgetUSD: number;
	    budgetNote?: string;
	    publishedUntil: string;
	    publishURL?: string;
	    keptRunning?: string;
	
	    static createFrom(source: any = {}) {
	        return new SandboxStatus(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.projectId = source["projectId"];
	        this.state = source["state"];
	        this.error = source["error"];
	        this.warning = source["warning"];
	        this.waiting = source["waiting"];
	        this.sandboxId = source["sandboxId"];
	        this.template = source["template"];
	        this.timeoutAt = source["timeoutAt"];
	        this.idlePauseAt = source["idlePauseAt"];
	        this.runningSecondsToday = source["runningSecondsToday"];
	        this.runningSecondsTotal = source["runningSecondsTotal"];
	        this.todayUSD = source["todayUSD"];
	        this.monthUSD = source["monthUSD"];
	        this.budgetUSD = source["budgetUSD"];
	        this.budgetNote = source["budgetNote"];
	        this.publishedUntil = source["publishedUntil"];
	        this.publishURL = source["publishURL"];
	        this.keptRunning = source["keptRunning"];
	    }
	}
	export class SaveFileRequest {
	    projectId: string;
	    path: string;
	    content: string;
	
	    static createFrom(source: any = {}) {
	        return new SaveFileRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.projectId = source["projectId"];
	        this.path = source["path"];
	        this.content = source["content"];
	    }
	}
	export class Settings {
	    e2bDomain: string;
	    defaultProvider: string;
	    defaultModel: string;
	    sandboxTimeoutMinutes: number;
	    idlePauseMinutes: number;
	    theme: 'system' | 'light' | 'dark';
	    customProviders?: unknown;
	    customTemplates: string[];
	    onboarded: boolean;
	    updateCheck: boolean;
	    updateFeedURL: string;
	    workspaceRoot?: string;
	    autoFixOnce: boolean;
	    sandboxCleanupDays: number;
	    vcpuPricePerSecond: number;
	    gibPricePerSecond: number;
	
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
	        this.updateCheck = source["updateCheck"];
	        this.updateFeedURL = source["updateFeedURL"];
	        this.workspaceRoot = source["workspaceRoot"];
	        this.autoFixOnce = source["autoFixOnce"];
	        this.sandboxCleanupDays = source["sandboxCleanupDays"];
	        this.vcpuPricePerSecond = source["vcpuPricePerSecond"];
	        this.gibPricePerSecond = source["gibPricePerSecond"];
	    }
	}
	export class SaveResult {
	    settings: Settings;
	    confirm?: RedirectConfirm;
	
	    static createFrom(source: any = {}) {
	        return new SaveResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.settings = this.convertValues(source["settings"], Settings);
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
	export class SearchHit {
	    kind: 'project' | 'message' | 'fragment' | 'file';
	    snippet: string;
	    messageId: string;
	    seq: number;
	    path: string;
	    line: number;
	
	    static createFrom(source: any = {}) {
	        return new SearchHit(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.kind = source["kind"];
	        this.snippet = source["snippet"];
	        this.messageId = source["messageId"];
	        this.seq = source["seq"];
	        this.path = source["path"];
	        this.line = source["line"];
	    }
	}
	export class SearchGroup {
	    projectId: string;
	    projectName: string;
	    hits: SearchHit[];
	
	    static createFrom(source: any = {}) {
	        return new SearchGroup(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.projectId = source["projectId"];
	        this.projectName = source["projectName"];
	        this.hits = this.convertValues(source["hits"], SearchHit);
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
	
	export class SearchRequest {
	    query: string;
	    limit: number;
	
	    static createFrom(source: any = {}) {
	        return new SearchRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.query = source["query"];
	        this.limit = source["limit"];
	    }
	}
	export class SearchResponse {
	    query: string;
	    groups: SearchGroup[];
	
	    static createFrom(source: any = {}) {
	        return new SearchResponse(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.query = source["query"];
	        this.groups = this.convertValues(source["groups"], SearchGroup);
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
	export class SendResult {
	    user?: Message;
	    assistant?: Message;
	    userSaved: boolean;
	
	    static createFrom(source: any = {}) {
	        return new SendResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.user = this.convertValues(source["user"], Message);
	        this.assistant = this.convertValues(source["assistant"], Message);
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
	export class SetAgentModeRequest {
	    projectId: string;
	    mode: string;
	
	    static createFrom(source: any = {}) {
	        return new SetAgentModeRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.projectId = source["projectId"];
	        this.mode = source["mode"];
	    }
	}
	export class SetEnvRequest {
	    projectId: string;
	    name: string;
	    value: string;
	    secret: boolean;
	
	    static createFrom(source: any = {}) {
	        return new SetEnvRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.projectId = source["projectId"];
	        this.name = source["name"];
	        this.value = source["value"];
	        this.secret = source["secret"];
	    }
	}
	export class SetRemoteRequest {
	    projectId: string;
	    url: string;
	    username: string;
	    branch: string;
	
	    static createFrom(source: any = {}) {
	        return new SetRemoteRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.projectId = source["projectId"];
	        this.url = source["url"];
	        this.username = source["username"];
	        this.branch = source["branch"];
	    }
	}
	
	export class Starter {
	    id: string;
	    name: string;
	    stack: string;
	    shows: string;
	    template: string;
	    start: string;
	    entry: string;
	    empty: boolean;
	
	    static createFrom(source: any = {}) {
	        return new Starter(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.name = source["name"];
	        this.stack = source["stack"];
	        this.shows = source["shows"];
	        this.template = source["template"];
	        this.start = source["start"];
	        this.entry = source["entry"];
	        this.empty = source["empty"];
	    }
	}
	export class StartupStatus {
	    ok: boolean;
	    error?: ErrorDTO;
	    paths: Paths;
	    version: string;
	    e2bDomainEnv?: string;
	
	    static createFrom(source: any = {}) {
	        return new StartupStatus(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.ok = source["ok"];
	        this.error = this.convertValues(source["error"], ErrorDTO);
	        this.paths = this.convertValues(source["paths"], Paths);
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
	export class Template {
	    id: string;
	    name: string;
	    file: string;
	    port: number;
	    custom: boolean;
	
	    static createFrom(source: any = {}) {
	        return new Template(source);
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
	export class TerminalInfo {
	    id: string;
	    projectId: string;
	    kind: 'shell' | 'server';
	    title: string;
	    state: 'starting' | 'running' | 'paused' | 'lost' | 'stopped' | 'exited';
	    message?: string;
	
	    static createFrom(source: any = {}) {
	        return new TerminalInfo(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.projectId = source["projectId"];
	        this.kind = source["kind"];
	        this.title = source["title"];
	        this.state = source["state"];
	        this.message = source["message"];
	    }
	}
	export class TerminalSnapshot {
	    id: string;
	    projectId: string;
	    kind: 'shell' | 'server';
	    title: string;
	    state: 'starting' | 'running' | 'paused' | 'lost' | 'stopped' | 'exited';
	    message?: string;
	    data: string;
	    end: number;
	
	    static createFrom(source: any = {}) {
	        return new TerminalSnapshot(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.projectId = source["projectId"];
	        this.kind = source["kind"];
	        this.title = source["title"];
	        this.state = source["state"];
	        this.message = source["message"];
	        this.data = source["data"];
	        this.end = source["end"];
	    }
	}
	
	export class UndoResult {
	    restored: boolean;
	    warning?: string;
	    canRedo: boolean;
	    files?: string;
	    agent?: boolean;
	
	    static createFrom(source: any = {}) {
	        return new UndoResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.restored = source["restored"];
	        this.warning = source["warning"];
	        this.canRedo = source["canRedo"];
	        this.files = source["files"];
	        this.agent = source["agent"];
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
	export class UpdateStatus {
	    enabled: boolean;
	    feed: string;
	    current: string;
	    checkedAt: string;
	    available: boolean;
	    latest: string;
	    url: string;
	    publishedAt: string;
	    error: string;
	
	    static createFrom(source: any = {}) {
	        return new UpdateStatus(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.enabled = source["enabled"];
	        this.feed = source["feed"];
	        this.current = source["current"];
	        this.checkedAt = source["checkedAt"];
	        this.available = source["available"];
	        this.latest = source["latest"];
	        this.url = source["url"];
	        this.publishedAt = source["publishedAt"];
	        this.error = source["error"];
	    }
	}
	export class UploadDTO {
	    path: string;
	    size: number;
	    kind: 'csv' | 'text' | 'binary';
	    summary: string;
	    createdAt: string;
	
	    static createFrom(source: any = {}) {
	        return new UploadDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.path = source["path"];
	        this.size = source["size"];
	        this.kind = source["kind"];
	        this.summary = source["summary"];
	        this.createdAt = source["createdAt"];
	    }
	}
	export class UploadFile {
	    name: string;
	    data: string;
	
	    static createFrom(source: any = {}) {
	        return new UploadFile(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.data = source["data"];
	    }
	}
	export class UploadRequest {
	    projectId: string;
	    files: UploadFile[];
	
	    static createFrom(source: any = {}) {
	        return new UploadRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.projectId = source["projectId"];
	        this.files = this.convertValues(source["files"], UploadFile);
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
	export class UploadResult {
	    uploads: UploadDTO[];
	    warning?: string;
	
	    static createFrom(source: any = {}) {
	        return new UploadResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.uploads = this.convertValues(source["uploads"], UploadDTO);
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

}

