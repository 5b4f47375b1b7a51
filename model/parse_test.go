package model_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/xecut/resident/model"
)

func TestParseSyntax(t *testing.T) {
	valid := string(stored(account("ana")))
	tests := []struct {
		name  string
		input string
		msg   string
	}{
		{"empty", "", "empty or cut short"},
		{"only spaces", "  \n", "empty or cut short"},
		{"cut short", valid[:len(valid)/2], "cut short"},
		{"syntax error", `{"meta":}`, "invalid JSON at byte"},
		{"second document", valid + " " + valid, "after the JSON document"},
		{"trailing word", valid + "x", "after the JSON document"},
		{"trailing comma", valid + ",", "after the JSON document"},
		{"trailing bracket", valid + "]", "after the JSON document"},
		{"second value after a list", `[] {}`, "after the JSON document"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := model.Parse([]byte(tt.input))
			if doc != nil {
				t.Errorf("Parse(%q) = %+v, want no document", tt.input, doc)
			}
			got := problemsOf(t, err)
			checkProblems(t, "Parse", got, []problem{{"", model.TypeJSONInvalid, tt.msg}})
			_, err = model.ParseUpdate([]byte(tt.input))
			checkProblems(t, "ParseUpdate", problemsOf(t, err), []problem{{"", model.TypeJSONInvalid, tt.msg}})
		})
	}
}

func TestParseListsEveryProblem(t *testing.T) {
	input := stored(
		account("ana", set("telegram", "Ana"), set("vpn", []any{vpn("192.168.11.01", wgKeyA)})),
		account("bob", set("telegram", "ana"), drop("resident"), set("color", "red"),
			set("fee_payments", []any{fee("2024-02-30", "EUR", 5), fee("2024-03-01", "GBP", 0)})),
		account("ana", set("ssh_keys", []any{"ssh-dss"})),
	)
	_, err := model.Parse(input)
	want := []problem{
		{"accounts[1].color", extra, "unknown field"},
		{"accounts[1].resident", missing, "required"},
		{"accounts[0].vpn[0].ip", valueErr, "leading zeros"},
		{"accounts[1].telegram", duplicate, "account \"ana\""},
		{"accounts[1].fee_payments[0].date", valueErr, "2024-02-30"},
		{"accounts[1].fee_payments[1].currency", valueErr, "GBP"},
		{"accounts[1].fee_payments[1].amount", valueErr, "greater than zero"},
		{"accounts[2].username", duplicate, "account \"ana\""},
		{"accounts[2].ssh_keys[0]", valueErr, "OpenSSH"},
	}
	checkProblems(t, "Parse", problemsOf(t, err), want)
}

// The 422 answer turns a Path into loc: keys must stay strings and list
// positions ints, or a script reading loc can't index the document with it.
func TestProblemPathElements(t *testing.T) {
	_, err := model.ParseUpdate(body(account("a"), account("b",
		set("vpn", []any{vpn("192.168.11.5", wgKeyA), vpn("192.168.11.300", wgKeyB)}))))
	ve := err.(*model.ValidationError)
	want := model.Path{"accounts", 1, "vpn", 1, "ip"}
	if diff := cmp.Diff(want, ve.Problems[0].Path); diff != "" {
		t.Errorf("ParseUpdate path (-want +got):\n%s", diff)
	}
	want2 := "invalid document: accounts[1].vpn[1].ip: must be between"
	if got := ve.Error(); !strings.HasPrefix(got, want2) {
		t.Errorf("ValidationError.Error() = %q, want it to start with %q", got, want2)
	}
}

// A consumer keeps using the sound parts of a flawed stored version.
func TestParseReturnsFlawedDocument(t *testing.T) {
	input := stored(
		account("ana", set("vpn", []any{vpn("192.168.11.5", wgKeyA)})),
		account("bob", set("vpn", []any{vpn("192.168.11.5", wgKeyB)})),
	)
	doc, err := model.Parse(input)
	if err == nil {
		t.Fatalf("Parse(%s) accepted a duplicate address", input)
	}
	if doc == nil || len(doc.Accounts) != 2 || doc.Meta.Unixtime != 1700000000 {
		t.Fatalf("Parse(%s) = %+v, want both accounts and the meta", input, doc)
	}
	if got := doc.Accounts[0].VPN[0].WGPublicKey; got != wgKeyA {
		t.Errorf("first peer key = %q, want %q", got, wgKeyA)
	}
}

func TestParseUpdateMeta(t *testing.T) {
	tests := []struct {
		name  string
		input []byte
	}{
		{"absent", body(account("ana"))},
		{"present", stored(account("ana"))},
		{"wrong shape, ignored",
			encode(obj{"meta": "whatever", "accounts": []obj{account("ana")}})},
		{"null", encode(obj{"meta": nil, "accounts": []obj{account("ana")}})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			accounts, err := model.ParseUpdate(tt.input)
			if err != nil {
				t.Fatalf("ParseUpdate(%s) = %v, want no error", tt.input, err)
			}
			if len(accounts) != 1 || accounts[0].Username != "ana" {
				t.Errorf("ParseUpdate(%s) = %+v, want the one account", tt.input, accounts)
			}
		})
	}
	_, err := model.ParseUpdate(encode(obj{"accounts": []any{}, "metadata": 1}))
	checkProblems(t, "ParseUpdate", problemsOf(t, err), []problem{{"metadata", extra, "unknown"}})
	_, err = model.ParseUpdate([]byte(`{"meta":{}}`))
	checkProblems(t, "ParseUpdate", problemsOf(t, err), []problem{{"accounts", missing, "required"}})
}

func TestParseUpdateSortsPayments(t *testing.T) {
	input := body(account("ana", set("fee_payments", []any{
		fee("2025-01-02", "EUR", num("1")),
		fee("2024-05-01", "EUR", num("2")),
		fee("2025-01-02", "EUR", num("3")),
		fee("2024-05-01", "EUR", num("4")),
		fee("2023-12-31", "EUR", num("5")),
		fee("2025-01-02", "EUR", num("6")),
	})))
	accounts, err := model.ParseUpdate(input)
	if err != nil {
		t.Fatalf("ParseUpdate(%s) = %v", input, err)
	}
	var got []string
	for _, p := range accounts[0].FeePayments {
		got = append(got, p.Date+" "+string(p.Amount))
	}
	want := []string{"2023-12-31 5", "2024-05-01 2", "2024-05-01 4", "2025-01-02 1", "2025-01-02 3", "2025-01-02 6"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ParseUpdate payments (-want +got):\n%s", diff)
	}
}

func TestParseUpdateRejects(t *testing.T) {
	input := body(account("ana"), account("ana"))
	accounts, err := model.ParseUpdate(input)
	if accounts != nil {
		t.Errorf("ParseUpdate(%s) = %+v, want no accounts", input, accounts)
	}
	checkProblems(t, "ParseUpdate", problemsOf(t, err), []problem{{"accounts[1].username", duplicate, "ana"}})
}

// Every version the Python service wrote must be read as it is, with its
// own formatting, \u escapes and float-looking amounts.
func TestParseLegacy(t *testing.T) {
	for name, data := range legacyFiles(t) {
		t.Run(name, func(t *testing.T) {
			doc, err := model.Parse(data)
			if err != nil {
				t.Fatalf("Parse(%s) = %v, want no problem", name, err)
			}
			if len(doc.Accounts) == 0 {
				t.Errorf("Parse(%s) found no accounts", name)
			}
			canon := model.Marshal(*doc)
			again, err := model.Parse(canon)
			if err != nil {
				t.Fatalf("Parse(Marshal(Parse(%s))) = %v", name, err)
			}
			if diff := cmp.Diff(string(canon), string(model.Marshal(*again))); diff != "" {
				t.Errorf("canonical form of %s is not stable (-first +second):\n%s", name, diff)
			}
			if diff := cmp.Diff(doc, again); diff != "" {
				t.Errorf("document of %s changed by a round trip (-want +got):\n%s", name, diff)
			}
		})
	}
}
