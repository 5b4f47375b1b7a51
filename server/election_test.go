package server

import (
	"bytes"
	"net/http"
	"slices"
	"testing"

	"github.com/xecut/resident/chain"
	"github.com/xecut/resident/internal/testenv"
	"github.com/xecut/resident/model"
)

// electionSetup stores three accounts, two of them Decentrala members.
func electionSetup(tb testing.TB) *testServer {
	tb.Helper()
	ts := newServer(tb, "")
	body := doc(tb,
		acct("Ana", set("decentrala", true), set("resident", false), set("telegram", "ana_1")),
		acct("Bojan", set("resident", true), set("otp_prefix", "12")),
		acct("Ceca", set("decentrala", true), set("resident", true)),
	)
	wantStatus(tb, "setup POST", ts.post(tb, writeKey, body), 200)
	return ts
}

func TestElectionSeesDecentralaOnly(t *testing.T) {
	ts := electionSetup(t)
	head := ts.store.Head()
	a := ts.get(t, "/accounts", electionKey)
	wantStatus(t, "GET /accounts with the election key", a, 200)
	want := model.Marshal(model.Document{
		Meta:     model.Meta{Unixtime: 0, LastSHA256: chain.ZeroHash},
		Accounts: []model.Account{head.Doc.Accounts[0], head.Doc.Accounts[2]},
	})
	if string(a.body) != string(want) {
		t.Errorf("election view =\n%s\nwant\n%s", a.body, want)
	}
	if got := a.header.Get("ETag"); got != `W/"`+head.SHA256+`"` {
		t.Errorf("election view ETag = %s, want the head's hash as a weak tag", got)
	}
	if a.header.Get("Vary") != "Authorization" {
		t.Errorf("Vary = %q, want Authorization", a.header.Get("Vary"))
	}
	a = ts.get(t, "/accounts", electionKey, "If-None-Match", `W/"`+head.SHA256+`"`)
	wantStatus(t, "election GET with its own ETag", a, http.StatusNotModified)
}

// TestElectionChangesOnlyResidency sends a body that tries to change
// everything and checks that only the residency of members changed.
func TestElectionChangesOnlyResidency(t *testing.T) {
	ts := electionSetup(t)
	before := ts.store.Head()
	body := doc(t,
		acct("Ana", set("decentrala", true), set("resident", true), set("telegram", "evil"),
			set("otp_prefix", "999")),
		acct("Bojan", set("resident", false)), // not a member: ignored
		acct("Ceca", set("decentrala", false), set("resident", true)),
		acct("Newcomer", set("decentrala", true)), // not in the head: ignored
	)
	a := ts.post(t, electionKey, body)
	wantStatus(t, "election POST", a, 200)
	if string(a.body) != `{"ok":true}` {
		t.Errorf("election POST body = %s", a.body)
	}
	after := ts.store.Head()
	want := slices.Clone(before.Doc.Accounts)
	want[0].Resident = true
	if !model.EqualAccounts(after.Doc.Accounts, want) {
		t.Errorf("after the election POST the accounts are\n%s\nwant\n%s",
			model.Marshal(*after.Doc), model.Marshal(model.Document{Accounts: want}))
	}
	if after.Doc.Meta.LastSHA256 != before.SHA256 {
		t.Errorf("the election's version links to %s, want %s", after.Doc.Meta.LastSHA256, before.SHA256)
	}
}

func TestElectionMinimalBody(t *testing.T) {
	ts := electionSetup(t)
	etag := ts.get(t, "/accounts", electionKey).header.Get("ETag")
	body := []byte(`{"accounts":[{"username":"Ceca","resident":false}]}`)
	wantStatus(t, "minimal election POST", ts.post(t, electionKey, body, "If-Match", etag), 200)
	if ts.store.Head().Doc.Accounts[2].Resident {
		t.Errorf("Ceca is still a resident after the election set false")
	}
	// The view is made once per head: the next GET shows the new head.
	view := ts.get(t, "/accounts", electionKey)
	if got := view.header.Get("ETag"); got == etag {
		t.Errorf("the election view's ETag after a write is still %s", got)
	}
	if !bytes.Contains(view.body, []byte(`"username":"Ceca","telegram":null,"decentrala":true,"resident":false`)) {
		t.Errorf("the election view after the write does not show Ceca as not resident:\n%s", view.body)
	}
	a := ts.post(t, electionKey, []byte(`{"accounts":[{"username":"Ana","resident":true}]}`), "If-Match", etag)
	wantStatus(t, "election POST with a stale ETag", a, http.StatusPreconditionFailed)
}

func TestElectionUnchangedStoresNothing(t *testing.T) {
	ts := electionSetup(t)
	before := testenv.VersionNames(t, ts.dir)
	view := ts.get(t, "/accounts", electionKey).body
	wantStatus(t, "posting the view back", ts.post(t, electionKey, view), 200)
	if after := testenv.VersionNames(t, ts.dir); !slices.Equal(before, after) {
		t.Errorf("posting the election view back unchanged wrote %v", after)
	}
}

func TestElectionBadBodies(t *testing.T) {
	tests := []struct {
		name string
		body string
		loc  []any
		typ  string
	}{
		{"not JSON", `{"accounts":`, []any{"body"}, model.TypeJSONInvalid},
		{"two documents", `{"accounts":[]} {}`, []any{"body"}, model.TypeJSONInvalid},
		{"no accounts", `{"meta":{}}`, []any{"body", "accounts"}, model.TypeMissing},
		{"resident not a boolean", `{"accounts":[{"username":"Ana","resident":"yes"}]}`, []any{"body", "accounts", 0, "resident"}, model.TypeBool},
		{"resident missing", `{"accounts":[{},{"username":"Ana"}]}`, []any{"body", "accounts", 1, "resident"}, model.TypeBool},
		{"member twice", `{"accounts":[{"username":"Ana","resident":true},{"username":"Ana","resident":false}]}`, []any{"body", "accounts", 1, "username"}, model.TypeDuplicate},
	}
	ts := electionSetup(t)
	before := testenv.VersionNames(t, ts.dir)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := ts.post(t, electionKey, []byte(tt.body))
			wantStatus(t, "election POST "+tt.name, a, http.StatusUnprocessableEntity)
			if !hasProblem(decodeProblems(t, a.body), tt.loc, tt.typ) {
				t.Errorf("422 body %s has no %s problem at %v", a.body, tt.typ, tt.loc)
			}
		})
	}
	if after := testenv.VersionNames(t, ts.dir); !slices.Equal(before, after) {
		t.Errorf("refused election POSTs wrote %v", after)
	}
}

// FuzzParseResidency checks that no body can make an election write
// change anything but the residency of the head's Decentrala accounts.
func FuzzParseResidency(f *testing.F) {
	f.Add([]byte(`{"accounts":[{"username":"Ana","resident":true}]}`))
	f.Add([]byte(`{"accounts":[{"username":"Bojan","resident":false,"decentrala":true}]}`))
	f.Add([]byte(`{"accounts":[{"username":"Ana","resident":1},{}]}`))
	f.Add([]byte(`[]`))
	tel := "ana_1"
	head := chain.Head{Doc: &model.Document{Accounts: []model.Account{
		{Username: "Ana", Decentrala: true, Telegram: &tel},
		{Username: "Bojan", Resident: true},
	}}}
	f.Fuzz(func(t *testing.T, body []byte) {
		r, err := parseResidency(body)
		if err != nil {
			return
		}
		got, err := r.apply(head)
		if err != nil {
			return
		}
		want := slices.Clone(head.Doc.Accounts)
		want[0].Resident = got[0].Resident
		if !model.EqualAccounts(got, want) {
			t.Fatalf("body %q changed more than Ana's residency: %+v", body, got)
		}
	})
}
