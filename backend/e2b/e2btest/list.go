package e2btest

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

func (f *Fake) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	v2 := strings.HasPrefix(r.URL.Path, "/v2/")
	states := map[string]bool{stateRunning: true, statePaused: true}
	if !v2 {
		states = map[string]bool{stateRunning: true}
	} else if s := q.Get("state"); s != "" {
		states = map[string]bool{}
		for _, st := range strings.Split(s, ",") {
			states[st] = true
		}
	}
	var filter url.Values
	if m := q.Get("metadata"); m != "" {
		// Decoded THREE times, as infra's parseFilters does: the query
		// parse above, the whole string, then each key and value.
		var err error
		filter, err = parseMetadataFilter(m)
		if err != nil {
			writeErr(w, http.StatusBadRequest, err.Error())
			return
		}
	}
	limit := 100
	if l := q.Get("limit"); l != "" {
		limit, _ = strconv.Atoi(l)
	}
	offset := 0
	if t := q.Get("nextToken"); t != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(t, "o"))
		if err != nil || !strings.HasPrefix(t, "o") || n < 0 {
			writeErr(w, http.StatusBadRequest, "Invalid next token")
			return
		}
		offset = n
	}
	f.mu.Lock()
	f.sweepLocked()
	var match []*fsb
	for _, sb := range f.sandboxes {
		if !states[sb.state] {
			continue
		}
		ok := true
		for k, vs := range filter {
			if sb.metadata[k] != vs[0] {
				ok = false
				break
			}
		}
		if ok {
			match = append(match, sb)
		}
	}
	sort.Slice(match, func(i, j int) bool {
		if !match[i].startedAt.Equal(match[j].startedAt) {
			return match[i].startedAt.After(match[j].startedAt)
		}
		return match[i].seq > match[j].seq
	})
	running := 0
	for _, sb := range match {
		if sb.state == stateRunning {
			running++
		}
	}
	page := []map[string]any{}
	for i := offset; i < len(match) && len(page) < limit; i++ {
		page = append(page, f.listedJSON(match[i]))
	}
	f.mu.Unlock()
	if v2 {
		if offset+len(page) < len(match) {
			w.Header().Set("X-Next-Token", "o"+strconv.Itoa(offset+len(page)))
		}
		if states[stateRunning] {
			w.Header().Set("X-Total-Running", strconv.Itoa(running))
		}
	}
	writeJSON(w, http.StatusOK, page)
}

// parseMetadataFilter does decodes two and three of a metadata filter.
func parseMetadataFilter(m string) (url.Values, error) {
	whole, err := url.QueryUnescape(m)
	if err != nil {
		return nil, fmt.Errorf("error when unescaping query: %v", err)
	}
	out := url.Values{}
	for _, pair := range strings.Split(whole, "&") {
		kv := strings.Split(pair, "=")
		if len(kv) != 2 {
			return nil, fmt.Errorf("invalid key value pair in query: %q", pair)
		}
		k, err1 := url.QueryUnescape(kv[0])
		v, err2 := url.QueryUnescape(kv[1])
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("error when unescaping key value pair %q", pair)
		}
		out.Set(k, v)
	}
	return out, nil
}
