// Package api is the only package bound to the page: thin services that
// validate, delegate to the domain packages and map their results onto
// the contract, the request and response types of this package (dto.go,
// chat_dto.go, and the DTOs beside their service). Wails generates the
// page's models.ts from these types alone; contract_test.go keeps it so.
package api

// ServiceTypes is one zero value of every bound service: what `wails
// generate` binds (app.go, bindings build) and what contract_test.go holds
// to the contract. app.go binds the same services, built, in wire.
func ServiceTypes() []any {
	return []any{&SystemService{}, &ProjectService{}, &SettingsService{}, &SandboxService{},
		&ChatService{}, &CatalogService{}, &KeyCheckService{}, &AboutService{}, &UpdateService{}, &SearchService{}, &TerminalService{}, &VersionsService{}, &UploadService{}, &TransferService{}, &FilesService{}, &EnvService{}, &AgentService{}}
}
