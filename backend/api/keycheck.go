package api

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"time"

	"tessera/backend/apperr"
)

// KeyCheck is the result of a key check, shown in the Settings field.
type KeyCheck struct {
	OK bool `json:"ok"`
	// Message is "Works: ..." or the provider's reason in a sentence.
	Message string `json:"message"`
	// Code is the apperr code of a failure ("unauthorized", "unavailable", ...).
	Code string `json:"code,omitempty"`
}

// E2BCheckTarget is the keychain account of the E2B key, as CheckKey
// takes it; an LLM provider's is llm.Account(id), "llm:<id>".
const E2BCheckTarget = "e2b"

// keyCheckTimeout keeps a check from hanging the Settings page.
const keyCheckTimeout = 20 * time.Second

// KeyCheckService checks saved keys with a cheap authenticated call,
// before anything is spent: an LLM provider's model list (kept, so the
// picker offers what the provider lists), E2B's sandbox list. Bound.
type KeyCheckService struct {
	ctx     func() context.Context
	catalog *CatalogService
	e2b     E2BCheck
	log     *slog.Logger
}

// E2BCheck makes an authenticated call with the saved E2B key and returns
// how many sandboxes the account has (sandbox.Manager.CheckAccount).
type E2BCheck func(ctx context.Context) (sandboxes int, err error)

// NewKeyCheckService builds the service.
func NewKeyCheckService(ctx func() context.Context, catalog *CatalogService, e2b E2BCheck, log *slog.Logger) *KeyCheckService {
	return &KeyCheckService{ctx: ctx, catalog: catalog, e2b: e2b, log: log}
}

// CheckKey checks the key saved under a keychain account: "e2b", or
// "llm:<provider id>". A refused key is a result (OK false, the
// provider's reason), not an error.
func (s *KeyCheckService) CheckKey(account string) (KeyCheck, error) {
	ctx, cancel := context.WithTimeout(s.ctx(), keyCheckTimeout)
	defer cancel()
	var msg string
	var err error
	switch providerID, isLLM := strings.CutPrefix(account, "llm:"); {
	case account == E2BCheckTarget:
		msg, err = s.checkE2B(ctx)
	case isLLM && providerID != "":
		msg, err = s.checkLLM(ctx, providerID)
	default:
		return KeyCheck{}, apperr.Newf(apperr.Invalid, "%q is not a key Tessera knows. Use \"e2b\" or \"llm:<provider>\".", account)
	}
	if err != nil {
		if apperr.Is(err, apperr.Canceled) {
			return KeyCheck{}, err
		}
		s.log.Info("key check failed", "account", account, "err", err)
		return KeyCheck{Message: inSettings(apperr.MessageOf(err)), Code: string(apperr.CodeOf(err))}, nil
	}
	return KeyCheck{OK: true, Message: msg}, nil
}

func (s *KeyCheckService) checkLLM(ctx context.Context, providerID string) (string, error) {
	p, ok := s.catalog.llm.Client().Catalog().Provider(providerID)
	if !ok {
		return "", apperr.Newf(apperr.NotFound, "The provider %q is not known.", providerID)
	}
	models, err := s.catalog.offers.Refresh(ctx, providerID)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("Works: %s lists %s.", p.Name, plural(len(models), "model")), nil
}

func (s *KeyCheckService) checkE2B(ctx context.Context) (string, error) {
	n, err := s.e2b(ctx)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("Works: E2B answered (%s on this account).", plural(n, "sandbox")), nil
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	if strings.HasSuffix(what, "x") {
		return fmt.Sprintf("%d %ses", n, what)
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// sendToSettings is the sentence a refusal ends with elsewhere ("Check the
// E2B key in Settings."); the check's result is shown in Settings, beside
// the key, where it would send the person where they already are.
var sendToSettings = regexp.MustCompile(`\s*(Check|Add) (the |your )?[^.]* in Settings\.$`)

// inSettings says a refusal as it reads beside the key field.
func inSettings(msg string) string {
	if !sendToSettings.MatchString(msg) {
		return msg
	}
	return sendToSettings.ReplaceAllString(msg, "") + " Paste the right key in this field and Save."
}
