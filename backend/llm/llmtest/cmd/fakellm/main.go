// Command fakellm is a tiny OpenAI-compatible server for end-to-end tests:
// every chat completion is answered with the next fragment from a JSON
// file (a list of fragments, served in turn, cycling), streamed in small
// chunks.
//
//	go run ./backend/llm/llmtest/cmd/fakellm -addr 127.0.0.1:8089 -fragments e2e/fragments.json
//
// Then point a custom provider at http://127.0.0.1:8089/v1.
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
	"syscall"
	"time"

	"tessera/backend/fragment"
	"tessera/backend/llm/llmtest"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8089", "address to listen on")
	file := flag.String("fragments", "", "JSON file with a list of fragments (required)")
	chunk := flag.Int("chunk", 12, "bytes per streamed chunk")
	pace := flag.Duration("pace", 5*time.Millisecond, "delay between chunks")
	flag.Parse()
	if err := run(*addr, *file, *chunk, *pace); err != nil {
		fmt.Fprintln(os.Stderr, "fakellm:", err)
		os.Exit(1)
	}
}

func run(addr, file string, chunk int, pace time.Duration) error {
	if file == "" {
		return errors.New("-fragments is required")
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	var frags []fragment.Fragment
	if err := json.Unmarshal(data, &frags); err != nil {
		return fmt.Errorf("%s: want a JSON list of fragments: %w", file, err)
	}
	if len(frags) == 0 {
		return fmt.Errorf("%s: no fragments", file)
	}
	h := llmtest.NewHandler()
	defer h.Close()
	var script []llmtest.Response
	for _, f := range frags {
		r := llmtest.FragmentResponse(f, chunk)
		r.Pace = pace
		script = append(script, r)
	}
	h.SetCycle(script...)

	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		h.Close()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	log.Printf("fakellm: serving %d fragment(s) on http://%s/v1", len(frags), ln.Addr())
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
