package model

import (
	"bytes"
	"strings"
	"testing"
)

// knownSeeds pairs write bodies with the documents their known accounts
// come from: each sound seed sent back unchanged, with one account
// changed, shifted, duplicated, spaced out or cut short.
func knownSeeds(tb testing.TB) [][2][]byte {
	tb.Helper()
	var pairs [][2][]byte
	for _, data := range fastSeeds(tb) {
		doc, err := Parse(data)
		if err != nil || len(doc.Accounts) == 0 {
			continue
		}
		accounts := doc.Accounts
		body := func(as []Account) []byte { return Marshal(Document{Accounts: as}) }
		flipped := append([]Account{}, accounts...)
		flipped[0].Resident = !flipped[0].Resident
		renamed := append([]Account{}, accounts...)
		renamed[len(renamed)-1].Username = accounts[0].Username
		same := body(accounts)
		for _, b := range [][]byte{
			same,
			body(flipped),
			body(renamed),
			body(accounts[1:]),
			body(append(append([]Account{}, accounts...), accounts[0])),
			bytes.ReplaceAll(same, []byte(`},{`), []byte("} ,\n {")),
			same[:len(same)-3],
		} {
			pairs = append(pairs, [2][]byte{b, data})
		}
	}
	return pairs
}

// FuzzParseUpdateKnown holds ParseUpdateKnown to ParseUpdate: for any body
// and any sound document to know the accounts of, the same accounts or
// the same error, and the known accounts left as they were.
func FuzzParseUpdateKnown(f *testing.F) {
	for _, p := range knownSeeds(f) {
		f.Add(p[0], p[1])
	}
	f.Fuzz(func(t *testing.T, data, knownDoc []byte) {
		checkKnownAgrees(t, data, knownDoc)
	})
}

func checkKnownAgrees(t *testing.T, data, knownDoc []byte) {
	t.Helper()
	var accounts []Account
	if doc, err := Parse(knownDoc); err == nil {
		accounts = doc.Accounts
	} else if as, err := ParseUpdate(knownDoc); err == nil {
		accounts = as
	} else {
		return
	}
	before := Marshal(Document{Accounts: accounts})
	got, gotErr := ParseUpdateKnown(data, KnowAccounts(accounts))
	want, wantErr := ParseUpdate(data)
	if errText(gotErr) != errText(wantErr) {
		t.Fatalf("ParseUpdateKnown(%q) error = %v\nParseUpdate error = %v", data, gotErr, wantErr)
	}
	if !bytes.Equal(Marshal(Document{Accounts: got}), Marshal(Document{Accounts: want})) {
		t.Fatalf("ParseUpdateKnown(%q) = %s\nParseUpdate = %s", data,
			Marshal(Document{Accounts: got}), Marshal(Document{Accounts: want}))
	}
	if gotErr == nil {
		// What the store writes next, with what it knows now.
		doc := Document{Meta: Meta{Unixtime: 7, LastSHA256: zeros}, Accounts: got}
		if data, _ := MarshalKnown(doc, KnowAccounts(accounts)); !bytes.Equal(data, Marshal(doc)) {
			t.Fatalf("MarshalKnown(%q) = %s\nMarshal = %s", data, data, Marshal(doc))
		}
	}
	if after := Marshal(Document{Accounts: accounts}); !bytes.Equal(before, after) {
		t.Fatalf("ParseUpdateKnown(%q) changed the known accounts:\n%s\nto\n%s", data, before, after)
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// Accounts sent back unchanged are taken as known, the changed one is
// decoded, and one whose fee payments are out of order is never known.
func TestKnownTaken(t *testing.T) {
	for _, p := range knownSeeds(t) {
		checkKnownAgrees(t, p[0], p[1])
	}
	a := func(name, date string) Account {
		return Account{Username: name, Resident: true, FeePayments: []FeePayment{
			{Date: "2024-05-01", Currency: "EUR", Amount: "5"},
			{Date: date, Currency: "EUR", Amount: "5"}}}
	}
	accounts := []Account{a("ana", "2024-06-01"), a("bob", "2024-06-01"), a("ceca", "2024-01-01")}
	known := KnowAccounts(accounts)
	edit := append([]Account{}, accounts...)
	edit[1].Resident = false
	body := Marshal(Document{Accounts: edit})
	_, trusted, ps, err := decodeKnown(body, false, known)
	if err != nil || len(ps) > 0 {
		t.Fatalf("decodeKnown = %v, %v", ps, err)
	}
	if want := []bool{true, false, false}; len(trusted) != 3 || trusted[0] != want[0] ||
		trusted[1] != want[1] || trusted[2] != want[2] {
		t.Errorf("trusted = %v, want %v (ceca's payments are out of order)", trusted, want)
	}
	got, err := ParseUpdateKnown(body, known)
	if err != nil || got[2].FeePayments[0].Date != "2024-01-01" {
		t.Errorf("ParseUpdateKnown = %v, %v, want ceca's payments sorted", got, err)
	}
	if accounts[2].FeePayments[0].Date != "2024-05-01" {
		t.Errorf("sorting changed the known accounts' payments")
	}
	// A changed account that takes a known one's name is still refused.
	edit[1].Username = "ana"
	_, err = ParseUpdateKnown(Marshal(Document{Accounts: edit}), known)
	if err == nil || !strings.Contains(err.Error(), "already used") {
		t.Errorf("a duplicate of a known account's name = %v, want refused", err)
	}
}
