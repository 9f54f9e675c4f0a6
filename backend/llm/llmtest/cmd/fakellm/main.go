// Command fakellm is a tiny OpenAI-compatible server for end-to-end tests:
// every chat completion is answered with the next fragment from a JSON
// file (a list of fragments, served in turn, cycling), streamed in small
// chunks.
//
//	go run ./backend/llm/llmtest/cmd/fakellm -addr 127.0.0.1:8089 -fragments e2e/fragments.json
//
// Then point a custom provider at http://127.0.0.1:8089/v1.
//
// -script replies.json serves an agent turn: a JSON list of replies, each
// served once, in order, before any fragment (then the fragments cycle, if
// given). A reply has optional text, native tool calls and usage:
//
//	[{"toolCalls": [{"name": "write_file", "arguments": "{\"path\":\"app/page.tsx\",\"content\":\"...\"}"}]},
//	 {"toolCalls": [{"name": "view_preview", "arguments": "{}"}, {"name": "read_console", "arguments": "{}"}]},
//	 {"text": "Fixed the missing import; the page renders.", "usage": {"prompt_tokens": 900, "completion_tokens": 40, "total_tokens": 940}}]
//
// e2e/agent-turn.json is such a script: an 8-step turn that writes a
// Next.js page, sees a console error, fixes it and finishes (the e2e
// helper startFakeLLM passes extra flags: ..., '-script', file).
//
// Several calls in one reply are parallel calls; each reply is one request
// of the turn, so an 8-step turn is 8 replies (or fewer with parallel
// calls) ending in a text-only reply. A reply with "toolDialect" ("whole",
// "no-index", "reused-index") or "omitIds" streams the calls as those
// providers do (llmtest/tools.go).
//
// -refuse-formats json_schema makes the model refuse that response_format
// with a 400 (as many OpenAI-compatible servers do), -refuse-stream makes
// it refuse streaming as OpenAI does for unverified organisations, and
// -keys only accepts these bearer keys. GET /debug/requests lists what
// each chat request asked for, so a test can see the fallback happen.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"tessera/backend/fragment"
	"tessera/backend/llm/llmtest"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8089", "address to listen on")
	file := flag.String("fragments", "", "JSON file with a list of fragments (this or -script is required)")
	scriptFile := flag.String("script", "", "JSON file with a list of agent replies (text, toolCalls, usage), served once each in order")
	chunk := flag.Int("chunk", 12, "bytes per streamed chunk")
	pace := flag.Duration("pace", 5*time.Millisecond, "delay between chunks")
	formats := flag.String("refuse-formats", "", "comma-separated response_format types to refuse (json_schema, json_object)")
	refuseStream := flag.Bool("refuse-stream", false, "refuse streaming requests (OpenAI's unverified-organisation 400)")
	keys := flag.String("keys", "", "comma-separated bearer keys to accept (empty: any)")
	flag.Parse()
	var r llmtest.Refusals
	r.Stream = *refuseStream
	if *formats != "" {
		r.Formats = strings.Split(*formats, ",")
	}
	var keyList []string
	if *keys != "" {
		keyList = strings.Split(*keys, ",")
	}
	if err := run(*addr, *file, *scriptFile, *chunk, *pace, r, keyList); err != nil {
		fmt.Fprintln(os.Stderr, "fakellm:", err)
		os.Exit(1)
	}
}

// scriptedReply is one reply of a -script file.
type scriptedReply struct {
	Text        string                 `json:"text"`
	ToolCalls   []llmtest.ScriptedCall `json:"toolCalls"`
	ToolDialect llmtest.ToolDialect    `json:"toolDialect"`
	OmitIDs     bool                   `json:"omitIds"`
	Usage       *llmtest.Usage         `json:"usage"`
}

func readScript(file string, chunk int, pace time.Duration) ([]llmtest.Response, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var replies []scriptedReply
	if err := json.Unmarshal(data, &replies); err != nil {
		return nil, fmt.Errorf("%s: want a JSON list of replies: %w", file, err)
	}
	out := make([]llmtest.Response, 0, len(replies))
	for i, r := range replies {
		if r.Text == "" && len(r.ToolCalls) == 0 {
			return nil, fmt.Errorf("%s: reply %d has neither text nor toolCalls", file, i)
		}
		resp := llmtest.Response{Text: r.Text, ToolCalls: r.ToolCalls, ToolDialect: r.ToolDialect, OmitIDs: r.OmitIDs,
			Usage: r.Usage, ChunkSize: chunk, Pace: pace}
		if resp.Usage == nil {
			resp.Usage = &llmtest.Usage{PromptTokens: 1000, CompletionTokens: 100, TotalTokens: 1100}
		}
		out = append(out, resp)
	}
	return out, nil
}

func run(addr, file, scriptFile string, chunk int, pace time.Duration, refusals llmtest.Refusals, keys []string) error {
	if file == "" && scriptFile == "" {
		return errors.New("-fragments or -script is required")
	}
	h := llmtest.NewHandler()
	defer h.Close()
	frags := []fragment.Fragment{}
	if file != "" {
		data, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		if err := json.Unmarshal(data, &frags); err != nil {
			return fmt.Errorf("%s: want a JSON list of fragments: %w", file, err)
		}
		if len(frags) == 0 {
			return fmt.Errorf("%s: no fragments", file)
		}
		var script []llmtest.Response
		for _, f := range frags {
			r := llmtest.FragmentResponse(f, chunk)
			r.Pace = pace
			script = append(script, r)
		}
		h.SetCycle(script...)
	}
	if scriptFile != "" {
		replies, err := readScript(scriptFile, chunk, pace)
		if err != nil {
			return err
		}
		h.Push(replies...)
	}
	h.SetRefusals(refusals)
	h.SetKeys(keys...)
	mux := http.NewServeMux()
	mux.Handle("/", h)
	mux.HandleFunc("GET /debug/requests", func(w http.ResponseWriter, _ *http.Request) {
		type message struct {
			Role    string `json:"role"`
			Content string `json:"content"`
		}
		type summary struct {
			Path           string `json:"path"`
			Stream         bool   `json:"stream"`
			ResponseFormat string `json:"response_format,omitempty"`
			Tools          bool   `json:"tools,omitempty"`
			// ToolResults are the tool results the request carried (agent
			// turns), so a test can see what each step told the model.
			ToolResults []string `json:"toolResults,omitempty"`
			MaxTokens   int      `json:"max_tokens,omitempty"`
			// Messages are the conversation sent (role and text), so a
			// test can see what a turn told the model.
			Messages []message `json:"messages"`
			// Text is every message's text, joined: what the model was told.
			Text string `json:"text,omitempty"`
		}
		out := []summary{}
		for _, rec := range h.Requests() {
			if !strings.HasSuffix(rec.Path, "/chat/completions") {
				continue
			}
			c := rec.Chat()
			s := summary{Path: rec.Path, Stream: c.Stream, Tools: len(c.Tools) > 0, MaxTokens: max(c.MaxTokens, c.MaxCompletionTokens)}
			var text strings.Builder
			for _, m := range c.Messages {
				text.WriteString(m.Content)
				for _, p := range m.MultiContent {
					text.WriteString(p.Text)
				}
				text.WriteString("\n")
			}
			s.Text = text.String()
			if c.ResponseFormat != nil {
				s.ResponseFormat = string(c.ResponseFormat.Type)
			}
			s.Messages = []message{}
			for _, m := range c.Messages {
				if m.Role == "tool" {
					s.ToolResults = append(s.ToolResults, m.Content)
				}
				text := m.Content
				for _, part := range m.MultiContent {
					text += part.Text
				}
				s.Messages = append(s.Messages, message{Role: m.Role, Content: text})
			}
			out = append(out, s)
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(out)
	})

	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		h.Close()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	log.Printf("fakellm: serving %d fragment(s) and a script on http://%s/v1", len(frags), ln.Addr())
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
