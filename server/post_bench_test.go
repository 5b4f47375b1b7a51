package server

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/xecut/resident/chain"
	"github.com/xecut/resident/demo"
	"github.com/xecut/resident/model"
)

// BenchmarkPostAccounts is one POST /accounts of a 200-account document
// changing one account's residency, through the whole handler: parse,
// validate, compare with the head, canonical bytes, atomic write.
func BenchmarkPostAccounts(b *testing.B) {
	dir := b.TempDir()
	opts := demo.Options{Accounts: 200, Versions: 1, Seed: 7}
	if _, err := demo.Write(dir, opts); err != nil {
		b.Fatalf("demo.Write: %v", err)
	}
	store, err := chain.Open(dir, time.Now)
	if err != nil {
		b.Fatalf("chain.Open(%s): %v", dir, err)
	}
	b.Cleanup(func() { store.Close() })
	h := New(Options{Store: store, Keys: Keys{Read: readKey, Write: writeKey},
		MaxBody: DefaultMaxBody, Logger: slog.New(slog.DiscardHandler)})
	// A copy: flipping the head's own accounts would make the first POST
	// look unchanged.
	accounts := slices.Clone(store.Head().Doc.Accounts)
	if len(accounts) != opts.Accounts {
		b.Fatalf("demo head has %d accounts, want %d", len(accounts), opts.Accounts)
	}
	accounts[0].Resident = !accounts[0].Resident
	// Flipped, then as it was, and so on: every POST changes one account.
	bodies := [2][]byte{
		model.Marshal(model.Document{Accounts: accounts}),
		model.Marshal(model.Document{Accounts: store.Head().Doc.Accounts}),
	}
	for i := 0; b.Loop(); i++ {
		req := httptest.NewRequest(http.MethodPost, "/accounts", bytes.NewReader(bodies[i%2]))
		req.Header.Set("Authorization", "Bearer "+writeKey)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("POST /accounts = %d %s", rec.Code, rec.Body)
		}
	}
	b.ReportMetric(float64(len(store.Head().Bytes)), "body-bytes")
}
