#!/usr/bin/env bash
# Where the binary's size goes (issue 17): builds a small program per large
# dependency, at the versions go.mod pins and with the release flags
# (-s -w), and prints what each adds to a program that already links
# net/http, encoding/json and fmt (as every Wails app does).
#   bash scripts/binary-size.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
W="$(mktemp -d)"
trap 'rm -rf "$W"' EXIT
cd "$W"
printf 'module sizes\n\ngo 1.26\n' >go.mod
cp "$ROOT/go.sum" .
ver() { (cd "$ROOT" && go list -m -f '{{.Version}}' "$1"); }
prog() { # name import body
  mkdir -p "$1"
  cat >"$1/main.go" <<GO
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	$2
)

var _ = context.Background

func main() {
	b, _ := json.Marshal(os.Args)
	fmt.Println(string(b))
	_, _ = http.Get("http://localhost")
	$3
}
GO
}
prog base '' ''
prog sqlite '"database/sql"; _ "modernc.org/sqlite"' 'db, _ := sql.Open("sqlite", "x"); _ = db.Ping()'
prog go-git 'git "github.com/go-git/go-git/v5"' 'r, _ := git.PlainInit("x", false); w, _ := r.Worktree(); _, _ = w.Commit("x", &git.CommitOptions{}); _ = r.Push(&git.PushOptions{})'
prog goccy-json 'gj "github.com/goccy/go-json"' 'var v map[string]any; _ = gj.Unmarshal(b, &v)'
prog resty '"github.com/go-resty/resty/v2"' '_, _ = resty.New().R().Get("http://localhost")'
prog go-keyring '"github.com/zalando/go-keyring"' '_, _ = keyring.Get("a", "b")'
prog go-openai 'openai "github.com/sashabaranov/go-openai"' '_, _ = openai.NewClient("x").ListModels(context.Background())'
for m in modernc.org/sqlite github.com/go-git/go-git/v5 github.com/goccy/go-json github.com/go-resty/resty/v2 \
  github.com/zalando/go-keyring github.com/sashabaranov/go-openai; do
  go mod edit -require="$m@$(ver "$m")"
done
GOFLAGS=-mod=mod go mod tidy >/dev/null 2>&1
size() { go build -trimpath -ldflags='-s -w' -o "$1.bin" "./$1" && stat -c %s "$1.bin"; }
base=$(size base)
awk -v b="$base" 'BEGIN { printf "%-12s %8.2f MB\n", "base", b / 1e6 }'
for p in sqlite go-git goccy-json resty go-keyring go-openai; do
  s=$(size "$p")
  awk -v p="$p" -v s="$s" -v b="$base" 'BEGIN { printf "%-12s %+8.2f MB\n", p, (s - b) / 1e6 }'
done
