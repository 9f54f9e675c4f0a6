package store

import (
	"context"
	"testing"
	"time"
)

func TestModelLists(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	if _, ok, err := s.ModelList(ctx, "openai"); ok || err != nil {
		t.Fatalf("empty: %v %v", ok, err)
	}
	at := time.UnixMilli(time.Now().UnixMilli())
	for _, models := range [][]string{{"gpt-5", "gpt-4o"}, {"gpt-5.1"}} {
		if err := s.SaveModelList(ctx, ModelList{ProviderID: "openai", FetchedAt: at, Models: models}); err != nil {
			t.Fatal(err)
		}
		l, ok, err := s.ModelList(ctx, "openai")
		if !ok || err != nil || !l.FetchedAt.Equal(at) || len(l.Models) != len(models) || l.Models[0] != models[0] {
			t.Fatalf("got %+v %v %v, want %v", l, ok, err, models)
		}
	}
}

func TestModelFacts(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	tests := []struct {
		mode string
		ok   bool
	}{{"json_object", true}, {"tool", true}, {"", false}}
	for _, tt := range tests {
		if err := s.SetModelMode(ctx, "xai", "grok-4", tt.mode); err != nil {
			t.Fatal(err)
		}
		if m, ok, err := s.ModelMode(ctx, "xai", "grok-4"); m != tt.mode || ok != tt.ok || err != nil {
			t.Fatalf("ModelMode = %q %v %v, want %q", m, ok, err, tt.mode)
		}
	}
	if err := s.SetModelMode(ctx, "xai", "grok-4", "bogus"); err == nil {
		t.Fatal("an unknown mode was stored")
	}
	if err := s.MarkModelGone(ctx, "google", "gemini-1.5-flash", time.Now()); err != nil {
		t.Fatal(err)
	}
	if g, err := s.GoneModels(ctx, "google"); err != nil || !g["gemini-1.5-flash"] || len(g) != 1 {
		t.Fatalf("gone = %v %v", g, err)
	}
	if err := s.MarkModelGone(ctx, "google", "gemini-1.5-flash", time.Time{}); err != nil {
		t.Fatal(err)
	}
	if g, _ := s.GoneModels(ctx, "google"); len(g) != 0 {
		t.Fatalf("cleared gone = %v", g)
	}
}
