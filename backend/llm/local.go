package llm

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"tessera/backend/apperr"
)

// Local servers run a model with the context they were configured with,
// not the model's maximum, and silently drop what does not fit (Ollama
// keeps the end of the prompt, so the system prompt goes first). So the
// real window is asked for:
//
//   - Ollama: GET /api/ps (a loaded model's context_length, newer
//     servers), else POST /api/show: "num_ctx N" in parameters, else the
//     server default 4,096 capped by model_info "<arch>.context_length".
//   - LM Studio: GET /api/v1/models: a loaded instance's
//     config.context_length, else (loaded on demand with its default)
//     4,096 capped by max_context_length; older servers: GET
//     /api/v0/models/<id> max_context_length, capped the same way.

// localDefaultContext is what Ollama and LM Studio load a model with when
// nothing else is configured.
const localDefaultContext = 4096

// minLocalOutput is the least room left for the answer on a local model.
const minLocalOutput = 1024

// localContextTTL: the server's answer is reused for this long, so a chat
// does not ask before every message.
const localContextTTL = 30 * time.Second

type localWindow struct {
	tokens int
	at     time.Time
}

type localCache struct {
	mu sync.Mutex
	m  map[string]localWindow
}

// serverRoot is the server's address without the OpenAI-compatible /v1.
func serverRoot(base string) string {
	base = strings.TrimRight(base, "/")
	return strings.TrimSuffix(base, "/v1")
}

// localContext asks a local server for the context window the model runs
// with; 0 when the server does not say (or is not Ollama or LM Studio).
func (c *Client) localContext(ctx context.Context, r resolved, modelID string) int {
	key := r.p.ID + "\x00" + r.base + "\x00" + modelID
	c.local.mu.Lock()
	if w, ok := c.local.m[key]; ok && time.Since(w.at) < localContextTTL {
		c.local.mu.Unlock()
		return w.tokens
	}
	c.local.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, detectTimeout)
	defer cancel()
	var n int
	switch r.p.ID {
	case "ollama":
		n = c.ollamaContext(ctx, serverRoot(r.base), modelID)
	case "lmstudio":
		n = c.lmstudioContext(ctx, serverRoot(r.base), modelID, r.key)
	}
	c.local.mu.Lock()
	if c.local.m == nil {
		c.local.m = map[string]localWindow{}
	}
	c.local.m[key] = localWindow{tokens: n, at: time.Now()}
	c.local.mu.Unlock()
	return n
}

func (c *Client) getJSON(ctx context.Context, method, u string, body any, key string, out any) bool {
	var b []byte
	if body != nil {
		b, _ = json.Marshal(body)
	}
	resp, err := c.do(ctx, method, u, key, b, false)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	return json.NewDecoder(io.LimitReader(resp.Body, 4<<20)).Decode(out) == nil
}

func sameOllamaModel(a, b string) bool {
	norm := func(s string) string {
		if !strings.Contains(s, ":") {
			return s + ":latest"
		}
		return s
	}
	return norm(a) == norm(b)
}

func (c *Client) ollamaContext(ctx context.Context, root, model string) int {
	var ps struct {
		Models []struct {
			Name          string `json:"name"`
			Model         string `json:"model"`
			ContextLength int    `json:"context_length"`
		} `json:"models"`
	}
	if c.getJSON(ctx, http.MethodGet, root+"/api/ps", nil, "", &ps) {
		for _, m := range ps.Models {
			if (sameOllamaModel(m.Name, model) || sameOllamaModel(m.Model, model)) && m.ContextLength > 0 {
				return m.ContextLength
			}
		}
	}
	var show struct {
		Parameters string         `json:"parameters"`
		ModelInfo  map[string]any `json:"model_info"`
	}
	if !c.getJSON(ctx, http.MethodPost, root+"/api/show", map[string]string{"model": model}, "", &show) {
		return 0
	}
	maxCtx := 0
	for k, v := range show.ModelInfo {
		if strings.HasSuffix(k, ".context_length") {
			if f, ok := v.(float64); ok {
				maxCtx = int(f)
			}
		}
	}
	n := localDefaultContext
	sc := bufio.NewScanner(strings.NewReader(show.Parameters))
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) == 2 && f[0] == "num_ctx" {
			if v, err := strconv.Atoi(f[1]); err == nil && v > 0 {
				n = v
			}
		}
	}
	if maxCtx > 0 && n > maxCtx {
		n = maxCtx
	}
	return n
}

func (c *Client) lmstudioContext(ctx context.Context, root, model, key string) int {
	var v1 struct {
		Models []struct {
			Key             string `json:"key"`
			MaxContext      int    `json:"max_context_length"`
			LoadedInstances []struct {
				ID     string `json:"id"`
				Config struct {
					ContextLength int `json:"context_length"`
				} `json:"config"`
			} `json:"loaded_instances"`
		} `json:"models"`
	}
	if c.getJSON(ctx, http.MethodGet, root+"/api/v1/models", nil, key, &v1) && len(v1.Models) > 0 {
		for _, m := range v1.Models {
			for _, in := range m.LoadedInstances {
				if (in.ID == model || m.Key == model) && in.Config.ContextLength > 0 {
					return in.Config.ContextLength
				}
			}
			if m.Key == model {
				return capped(localDefaultContext, m.MaxContext)
			}
		}
		return 0
	}
	var v0 struct {
		MaxContext int `json:"max_context_length"`
	}
	if c.getJSON(ctx, http.MethodGet, root+"/api/v0/models/"+url.PathEscape(model), nil, key, &v0) && v0.MaxContext > 0 {
		return capped(localDefaultContext, v0.MaxContext)
	}
	return 0
}

func capped(n, limit int) int {
	if limit > 0 && n > limit {
		return limit
	}
	return n
}

// fitLocal checks, for a local model, that the system prompt (with the
// project's files) and the new message fit the window with room for an
// answer, and shrinks the output limit to what is left. The server would
// otherwise drop the start of the prompt without a word.
func fitLocal(p Provider, model string, msgs []Message, window, maxTokens int) (int, error) {
	var fixed []Message
	for _, m := range msgs {
		if m.Role == RoleSystem {
			fixed = append(fixed, m)
		}
	}
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].Role != RoleSystem {
			fixed = append(fixed, msgs[i])
			break
		}
	}
	need := EstimateTotal(fixed)
	if need+minLocalOutput > window {
		var b bytes.Buffer
		fmt.Fprintf(&b, "Tessera's instructions with this project's files and your message need about %d tokens, but %s on %s runs with a context of %d tokens, so the start would be cut off. ",
			need, model, p.Name, window)
		switch p.ID {
		case "ollama":
			b.WriteString("Raise the context length in Ollama's settings (or OLLAMA_CONTEXT_LENGTH, or the model's num_ctx), or pick a model with a larger context.")
		case "lmstudio":
			b.WriteString("Load the model in LM Studio with a larger context length, or pick a model with a larger context.")
		default:
			b.WriteString("Give the server a larger context, or pick a model with a larger context.")
		}
		return 0, apperr.Wrap(fmt.Errorf("%w: prompt needs %d of %d tokens", ErrContextTooLong, need, window), apperr.Invalid, b.String())
	}
	if need+maxTokens > window {
		maxTokens = window - need
	}
	return maxTokens, nil
}
