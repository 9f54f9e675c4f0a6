package chat

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"tessera/backend/apperr"
	"tessera/backend/llm/llmtest"
	"tessera/backend/store"
)

// imagesIn counts the image parts of a request's messages.
func imagesIn(r llmtest.Recorded) int {
	n := 0
	for _, m := range r.Chat().Messages {
		for _, p := range m.MultiContent {
			if p.ImageURL != nil {
				n++
			}
		}
	}
	return n
}

// The prompt pages the history: the recent turns only, and the images of
// earlier messages only for a model that takes images.
func TestPromptPagesHistoryAndReadsImagesOnlyWhenNeeded(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	img := base64.StdEncoding.EncodeToString([]byte("\x89PNG\r\n\x1a\nold"))
	r.llm.Push(llmtest.FragmentResponse(pyFragment("print(1)"), 50))
	if _, err := r.chat.Send(ctx, SendRequest{RequestID: "with-image", ProjectID: r.proj.ID, Text: "see this",
		Images: []Image{{MIME: "image/png", Data: img}}, ProviderID: "custom", ModelID: "eyes"}); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		model  string
		images int
	}{
		{"m1", 0},   // text-only: the old image is not even read
		{"eyes", 1}, // multimodal: it sees the earlier image again
	}
	for i, c := range cases {
		r.llm.Push(llmtest.FragmentResponse(pyFragment("print(2)"), 50))
		if _, err := r.chat.Send(ctx, SendRequest{RequestID: fmt.Sprintf("next%d", i), ProjectID: r.proj.ID, Text: "and now?",
			ProviderID: "custom", ModelID: c.model}); err != nil {
			t.Fatal(err)
		}
		reqs := r.llm.Requests()
		if got := imagesIn(reqs[len(reqs)-1]); got != c.images {
			t.Fatalf("%s: %d images in the prompt, want %d", c.model, got, c.images)
		}
	}

	// A long chat: only the newest historyLimit messages are read.
	// Pairs, so that the window of the newest historyLimit messages
	// (with the new one) opens with an answer.
	for i := 0; i < historyLimit/2; i++ {
		for _, role := range []string{"user", "assistant"} {
			if _, err := r.store.AddMessage(ctx, store.Message{ProjectID: r.proj.ID, Role: role, Content: fmt.Sprintf("filler %d", i)}); err != nil {
				t.Fatal(err)
			}
		}
	}
	r.llm.Push(llmtest.FragmentResponse(pyFragment("print(3)"), 50))
	if _, err := r.chat.Send(ctx, SendRequest{RequestID: "long", ProjectID: r.proj.ID, Text: "last", ProviderID: "custom", ModelID: "eyes"}); err != nil {
		t.Fatal(err)
	}
	reqs := r.llm.Requests()
	msgs := reqs[len(reqs)-1].Chat().Messages
	if len(msgs) > historyLimit+1 { // + the system prompt
		t.Fatalf("%d messages in the prompt, want at most %d", len(msgs), historyLimit+1)
	}
	for _, m := range msgs {
		if strings.Contains(m.Content, "see this") || strings.Contains(m.Content, "filler 0") {
			t.Fatalf("an old message reached the prompt: %q", m.Content)
		}
	}
	if msgs[1].Role != "user" {
		t.Fatalf("the history opens with %q, not the person", msgs[1].Role)
	}
	if last := msgs[len(msgs)-1]; last.Content != "last" {
		t.Fatalf("the new message is not last: %q", last.Content)
	}
}

// When a turn fails after the person's message was saved, the result
// still says so (UserSaved, User), so the page does not restore a draft
// of a message that is in the chat.
func TestSendSaysWhetherTheUserMessageWasSaved(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	res, err := r.chat.Send(ctx, SendRequest{RequestID: "bad-template", ProjectID: r.proj.ID, Text: "hello",
		ProviderID: "custom", ModelID: "m1", Template: "no-such-template"})
	if !apperr.Is(err, apperr.Invalid) {
		t.Fatalf("want invalid, got %v", err)
	}
	if !res.UserSaved || res.User == nil || res.User.Content != "hello" {
		t.Fatalf("the saved message is not reported: %+v", res)
	}
	msgs, _ := r.store.ListMessages(ctx, r.proj.ID)
	if len(msgs) != 1 || msgs[0].ID != res.User.ID {
		t.Fatalf("stored %+v", msgs)
	}
	// Refused before anything was saved: not saved.
	res, err = r.chat.Send(ctx, SendRequest{RequestID: "empty", ProjectID: r.proj.ID, Text: " ", ProviderID: "custom", ModelID: "m1"})
	if err == nil || res.UserSaved || res.User != nil {
		t.Fatalf("%+v %v", res, err)
	}
	// Retry reports the message it answers.
	r.llm.Push(llmtest.FragmentResponse(pyFragment("print(1)"), 50))
	res, err = r.chat.Retry(ctx, RetryRequest{RequestID: "retry", ProjectID: r.proj.ID, ProviderID: "custom", ModelID: "m1"})
	if err != nil || !res.UserSaved || res.User == nil || res.User.ID != msgs[0].ID || res.Assistant == nil {
		t.Fatalf("%+v %v", res, err)
	}
}
