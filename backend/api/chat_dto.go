package api

import (
	"tessera/backend/chat"
)

// Image is an attached image for multimodal models.
type Image struct {
	MIME string `json:"mime"`
	Data string `json:"data"` // base64, no data: prefix
}

// Params are the model parameters from the parameters panel; nil/zero
// means the provider's default.
type Params struct {
	Temperature      *float32 `json:"temperature,omitempty"`
	TopP             *float32 `json:"topP,omitempty"`
	MaxTokens        int      `json:"maxTokens,omitempty"`
	FrequencyPenalty *float32 `json:"frequencyPenalty,omitempty"`
	PresencePenalty  *float32 `json:"presencePenalty,omitempty"`
}

func (p Params) domain() chat.Params {
	return chat.Params{Temperature: p.Temperature, TopP: p.TopP, MaxTokens: p.MaxTokens,
		FrequencyPenalty: p.FrequencyPenalty, PresencePenalty: p.PresencePenalty}
}

// SendRequest is one message from the person.
type SendRequest struct {
	// RequestID names the stream (events.ChatDelta) and lets Stop cancel
	// it, even when Stop arrives before Send registered.
	RequestID  string  `json:"requestId"`
	ProjectID  string  `json:"projectId"`
	Text       string  `json:"text"`
	Images     []Image `json:"images,omitempty"`
	ProviderID string  `json:"providerId"`
	ModelID    string  `json:"modelId"`
	Template   string  `json:"template"` // "" = Auto
	Params     Params  `json:"params"`
}

func (r SendRequest) domain() chat.SendRequest {
	var imgs []chat.Image
	for _, im := range r.Images {
		imgs = append(imgs, chat.Image{MIME: im.MIME, Data: im.Data})
	}
	return chat.SendRequest{RequestID: r.RequestID, ProjectID: r.ProjectID, Text: r.Text, Images: imgs,
		ProviderID: r.ProviderID, ModelID: r.ModelID, Template: r.Template, Params: r.Params.domain()}
}

// RetryRequest generates the last answer again.
type RetryRequest struct {
	RequestID  string `json:"requestId"`
	ProjectID  string `json:"projectId"`
	ProviderID string `json:"providerId"`
	ModelID    string `json:"modelId"`
	Template   string `json:"template"`
	Params     Params `json:"params"`
}

func (r RetryRequest) domain() chat.RetryRequest {
	return chat.RetryRequest{RequestID: r.RequestID, ProjectID: r.ProjectID, ProviderID: r.ProviderID,
		ModelID: r.ModelID, Template: r.Template, Params: r.Params.domain()}
}

// SendResult is the outcome of Send or Retry: the saved messages.
// UserSaved says the person's message is in the chat.
type SendResult struct {
	User      *Message `json:"user,omitempty"`
	Assistant *Message `json:"assistant,omitempty"`
	UserSaved bool     `json:"userSaved"`
}

func toSendResult(r chat.Result, err error) (SendResult, error) {
	if err != nil && r.UserSaved && r.User != nil {
		// Wails drops the result of a failed call, so the error itself
		// says the message was saved (ErrorDTO.UserMessageID).
		err = userSavedError{err: err, id: r.User.ID}
	}
	return SendResult{User: toMessagePtr(r.User), Assistant: toMessagePtr(r.Assistant), UserSaved: r.UserSaved}, err
}

// File is one file of a project's local copy, as text.
type File struct {
	Path    string `json:"path"`
	Content string `json:"content"`
}

func toFiles(fs []chat.File) []File {
	out := make([]File, 0, len(fs))
	for _, f := range fs {
		out = append(out, File{Path: f.Path, Content: f.Content})
	}
	return out
}

// DeleteMessageRequest names one message of a project.
type DeleteMessageRequest struct {
	ProjectID string `json:"projectId"`
	MessageID string `json:"messageId"`
}

// HistoryRequest asks for one page of a chat.
type HistoryRequest struct {
	ProjectID string `json:"projectId"`
	// BeforeSeq: messages older than this seq; 0 = the newest page.
	BeforeSeq int64 `json:"beforeSeq"`
	// Limit: page size, default 50, at most 500.
	Limit int `json:"limit"`
}

// HistoryPage is one page of a chat, oldest first.
type HistoryPage struct {
	Messages []Message `json:"messages"`
	// HasMore is true when older messages exist.
	HasMore bool `json:"hasMore"`
}
