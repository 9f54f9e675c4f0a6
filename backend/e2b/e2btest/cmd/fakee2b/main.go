// Command fakee2b runs the e2btest fake E2B as a standalone server for the
// app's end-to-end tests: the app connects every E2B host to -addr-file's
// address (TESSERA_E2B_CONNECT), Chromium maps *.<domain> there for preview
// iframes, and the test reads counts and sandbox states from the admin port.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"tessera/backend/e2b/e2btest"
)

// tb adapts the fake's testing.TB to a process: contract mismatches are
// logged and counted (the admin endpoint reports them, the e2e test fails
// on any), fatal errors end the process.
type tb struct {
	testing.TB
	dir      string
	cleanups []func()
	errors   atomic.Int64
}

func (t *tb) Helper()                         {}
func (t *tb) TempDir() string                 { return t.dir }
func (t *tb) Cleanup(f func())                { t.cleanups = append(t.cleanups, f) }
func (t *tb) Logf(format string, args ...any) { log.Printf(format, args...) }
func (t *tb) Errorf(format string, args ...any) {
	t.errors.Add(1)
	log.Printf("CONTRACT MISMATCH: "+format, args...)
}
func (t *tb) Fatalf(format string, args ...any) { log.Fatalf(format, args...) }

func main() {
	admin := flag.String("admin", "127.0.0.1:0", "address of the inspection endpoint")
	domain := flag.String("domain", "e2b.test", "E2B domain the fake serves")
	key := flag.String("key", "", "API key the fake accepts")
	addrFile := flag.String("addr-file", "", "write the fake's address and the admin address here (JSON)")
	python := flag.String("python", "", "python3 that runs cells (default: python3 on PATH)")
	flag.Parse()

	dir, err := os.MkdirTemp("", "fakee2b-")
	if err != nil {
		log.Fatal(err)
	}
	t := &tb{dir: dir}
	opts := []e2btest.Option{e2btest.WithDomain(*domain), e2btest.WithAPIKey(*key)}
	if *python != "" {
		opts = append(opts, e2btest.WithPython(*python))
	}
	f := e2btest.New(t, opts...)
	// Wall-clock time: startedAt/endAt are real times, as at E2B.
	f.Clock().Set(time.Now())
	stop := make(chan struct{})
	go f.RealClock(time.Second, stop)

	mux := http.NewServeMux()
	mux.HandleFunc("/counts", func(w http.ResponseWriter, _ *http.Request) {
		json.NewEncoder(w).Encode(map[string]any{"counts": f.Counts(), "contractErrors": t.errors.Load()})
	})
	mux.HandleFunc("/sandboxes", func(w http.ResponseWriter, _ *http.Request) {
		json.NewEncoder(w).Encode(f.List())
	})
	// GET /snapshots lists the snapshot ids; POST /drop-snapshot?id=
	// deletes one behind the app's back (E2B lost it).
	mux.HandleFunc("/snapshots", func(w http.ResponseWriter, _ *http.Request) {
		json.NewEncoder(w).Encode(f.Snapshots())
	})
	mux.HandleFunc("/drop-snapshot", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Query().Get("id") == "" {
			http.Error(w, "POST ?id=<snapshot id>", http.StatusBadRequest)
			return
		}
		f.DropSnapshot(r.URL.Query().Get("id"))
		w.WriteHeader(http.StatusNoContent)
	})
	// GET /file?id=<sandbox>&path=/home/user/app.py answers one file of a
	// live sandbox (404 when it has none), for tests that check what
	// reached the sandbox.
	mux.HandleFunc("GET /file", func(w http.ResponseWriter, r *http.Request) {
		b, ok := f.ReadFile(r.URL.Query().Get("id"), r.URL.Query().Get("path"))
		if !ok {
			http.Error(w, "no such file", http.StatusNotFound)
			return
		}
		w.Write(b)
	})
	// POST /fail?endpoint=files&count=3 makes the next count calls to the
	// endpoint (an e2btest.Endpoint* name) answer 503, as E2B does when a
	// part of it is down (&kind=port-closed: the proxy's 502 for an app
	// that never opened its port); count=0 drops what is still pending.
	// End-to-end tests use it to fail one step.
	mux.HandleFunc("/fail", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "POST only", http.StatusMethodNotAllowed)
			return
		}
		endpoint := r.URL.Query().Get("endpoint")
		count, err := strconv.Atoi(r.URL.Query().Get("count"))
		if endpoint == "" || err != nil || count < 0 || count > 1000 {
			http.Error(w, "want ?endpoint=<name>&count=<0..1000>", http.StatusBadRequest)
			return
		}
		kind := e2btest.Fault5xx
		switch r.URL.Query().Get("kind") {
		case "", "503":
		case "port-closed":
			kind = e2btest.FaultPortClosed
		default:
			http.Error(w, "kind is 503 (the default) or port-closed", http.StatusBadRequest)
			return
		}
		f.ClearFaults(endpoint)
		base := f.Calls(endpoint)
		for i := 1; i <= count; i++ {
			f.FailNth(endpoint, base+i, kind)
		}
		w.WriteHeader(http.StatusNoContent)
	})
	srv := &http.Server{Addr: *admin, Handler: mux}
	ln, err := netListen(*admin)
	if err != nil {
		log.Fatal(err)
	}
	info := map[string]string{"addr": f.Addr(), "admin": ln.Addr().String(), "domain": f.Domain()}
	b, _ := json.Marshal(info)
	if *addrFile != "" {
		// Whole or not at all (a reader polls for it): write, then rename.
		tmp := *addrFile + ".tmp"
		if err := os.WriteFile(tmp, b, 0o600); err != nil {
			log.Fatal(err)
		}
		if err := os.Rename(tmp, *addrFile); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Println(string(b))
	go srv.Serve(ln)

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
	close(stop)
	srv.Close()
	for i := len(t.cleanups) - 1; i >= 0; i-- {
		t.cleanups[i]()
	}
	os.RemoveAll(dir)
}
