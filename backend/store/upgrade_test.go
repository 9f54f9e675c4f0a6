package store

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// An upgrade from before search indexes what is there, leaves the index's
// bulk-load settings at their defaults, and keeps the triggers working.
func TestUpgradeBuildsTheSearchIndex(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	old, err := Open(ctx, path, func(s *Store) { s.upTo = 3 })
	if err != nil {
		t.Fatal(err)
	}
	fillOld(t, old, 3, 30)
	old.Close()
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	g, err := s.Search(ctx, "weather", 50)
	if err != nil || len(g) == 0 {
		t.Fatalf("search after the upgrade: %v, %v", g, err)
	}
	cfg := map[string]int{}
	rows, err := s.db.Query(`SELECT k, v FROM search_fts_config WHERE k IN ('hashsize', 'automerge')`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k string
		var v int
		if err := rows.Scan(&k, &v); err != nil {
			t.Fatal(err)
		}
		cfg[k] = v
	}
	rows.Close()
	if cfg["hashsize"] != 1<<20 || cfg["automerge"] != 4 {
		t.Fatalf("index settings after the upgrade: %v, want the defaults (hashsize 1 MiB, automerge 4)", cfg)
	}
	p, err := s.CreateProject(ctx, NewProject{Name: "Quokka garden"})
	if err != nil {
		t.Fatal(err)
	}
	if g, err := s.Search(ctx, "quokka", 10); err != nil || len(g) != 1 || g[0].ProjectID != p.ID {
		t.Fatalf("a project made after the upgrade is not found: %v, %v", g, err)
	}
}

// A migration that fails changes nothing: the file is as it was (the same
// schema version, the same rows), and the sentence says how to go on.
func TestFailedUpgradeLeavesTheDatabase(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	old, err := Open(ctx, path, func(s *Store) { s.upTo = 3 })
	if err != nil {
		t.Fatal(err)
	}
	fillOld(t, old, 2, 10)
	// A table in the way of 0004: its CREATE TABLE fails.
	if _, err := old.db.Exec(`CREATE TABLE search_docs (x)`); err != nil {
		t.Fatal(err)
	}
	old.Close()
	_, err = Open(ctx, path)
	if err == nil {
		t.Fatal("the upgrade did not fail")
	}
	msg := err.Error()
	for _, want := range []string{"nothing was changed", "previous version"} {
		if !strings.Contains(msg, want) {
			t.Errorf("sentence %q does not say %q", msg, want)
		}
	}
	again, err := Open(ctx, path, func(s *Store) { s.upTo = 3 })
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	v, err := again.currentVersion(ctx)
	var n int
	_ = again.db.QueryRow(`SELECT count(*) FROM messages`).Scan(&n)
	if err != nil || v != 3 || n != 10 {
		t.Fatalf("after the failed upgrade: schema %d (%v), %d messages; want 3 and 10", v, err, n)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
}
