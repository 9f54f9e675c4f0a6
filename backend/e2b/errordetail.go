package e2b

import (
	"encoding/json"
	"strings"
)

// detailText reads FastAPI's 422 "detail" (the code interpreter's
// validation errors): a string, or a list of {"loc": [...], "msg": "..."}
// of which the messages are what a person can read; anything else is
// quoted as it came.
func detailText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var items []struct {
		Loc []any  `json:"loc"`
		Msg string `json:"msg"`
	}
	if json.Unmarshal(raw, &items) == nil {
		var msgs []string
		for _, it := range items {
			if it.Msg == "" {
				continue
			}
			var loc []string
			for _, l := range it.Loc {
				if ls, ok := l.(string); ok && ls != "body" {
					loc = append(loc, ls)
				}
			}
			if len(loc) > 0 {
				msgs = append(msgs, strings.Join(loc, ".")+": "+it.Msg)
			} else {
				msgs = append(msgs, it.Msg)
			}
		}
		if len(msgs) > 0 {
			return strings.Join(msgs, "; ")
		}
	}
	return string(raw)
}
