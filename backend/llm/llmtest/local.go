package llmtest

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// LocalServer describes what a local server says about the context its
// models run with, in its own API (Ollama's /api/ps and /api/show, LM
// Studio's /api/v1/models), for the first model of SetModels.
type LocalServer struct {
	// Kind is "ollama" or "lmstudio" ("" = neither API is served).
	Kind string
	// Loaded: the model is in memory with LoadedContext tokens (Ollama's
	// ps context_length, LM Studio's loaded_instances config).
	Loaded        bool
	LoadedContext int
	// NumCtx is Ollama's num_ctx parameter of the model (0 = not set).
	NumCtx int
	// MaxContext is the model's trained context (Ollama's model_info
	// "<arch>.context_length", LM Studio's max_context_length).
	MaxContext int
}

// SetLocal sets the local server's API.
func (h *Handler) SetLocal(l LocalServer) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.local = l
}

func serveLocal(w http.ResponseWriter, r *http.Request, l LocalServer, model string) {
	w.Header().Set("Content-Type", "application/json")
	switch {
	case l.Kind == "ollama" && r.Method == http.MethodGet && r.URL.Path == "/api/ps":
		models := []map[string]any{}
		if l.Loaded {
			models = append(models, map[string]any{"name": model + ":latest", "model": model + ":latest", "size": 5137025024,
				"details": map[string]any{"format": "gguf", "family": "llama"}, "context_length": l.LoadedContext})
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"models": models})
	case l.Kind == "ollama" && r.Method == http.MethodPost && r.URL.Path == "/api/show":
		params := "num_keep                       24\nstop                           \"<|eot_id|>\""
		if l.NumCtx > 0 {
			params = fmt.Sprintf("num_ctx                        %d\n", l.NumCtx) + params
		}
		info := map[string]any{"general.architecture": "llama", "general.parameter_count": 8030261248}
		if l.MaxContext > 0 {
			info["llama.context_length"] = l.MaxContext
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"parameters": params, "details": map[string]any{"format": "gguf", "family": "llama"}, "model_info": info})
	case l.Kind == "lmstudio" && r.Method == http.MethodGet && r.URL.Path == "/api/v1/models":
		instances := []map[string]any{}
		if l.Loaded {
			instances = append(instances, map[string]any{"id": model, "config": map[string]any{"context_length": l.LoadedContext}})
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"models": []map[string]any{{"type": "llm", "publisher": "lmstudio-community", "key": model,
			"display_name": model, "loaded_instances": instances, "max_context_length": l.MaxContext, "format": "gguf"}}})
	default:
		writeError(w, Response{Status: http.StatusNotFound, ErrorMessage: "unknown endpoint " + r.URL.Path})
	}
}

// chatRequest is what the fake reads of a request to decide refusals.
