package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"testing"

	"github.com/xecut/resident/internal/testenv"
	"github.com/xecut/resident/model"
)

// TestValidationThroughAPI posts one broken document per rule and checks
// the 422 answer names the field, with its path under "body".
func TestValidationThroughAPI(t *testing.T) {
	va := func(ip, key string) func(obj) { return set("vpn", []any{vpnEntry(ip, key)}) }
	ssh := func(keys ...any) func(obj) { return set("ssh_keys", keys) }
	pay := func(p obj) func(obj) { return set("fee_payments", []any{p}) }
	tests := []struct {
		name    string
		body    []byte // when set, sent as is
		accts   []obj
		wantLoc []any
		typ     string
	}{
		{"invalid JSON", []byte(`{"accounts": [`), nil, []any{"body"}, model.TypeJSONInvalid},
		{"two documents", []byte(`{"accounts":[]} {"accounts":[]}`), nil, []any{"body"}, model.TypeJSONInvalid},
		{"not an object", []byte(`[]`), nil, []any{"body"}, model.TypeObject},
		{"unknown top-level field", []byte(`{"accounts":[],"extra":1}`), nil, []any{"body", "extra"}, model.TypeExtraForbidden},
		{"accounts missing", []byte(`{}`), nil, []any{"body", "accounts"}, model.TypeMissing},
		{"unknown account field", nil, []obj{acct("Ana", set("email", "a@b"))}, []any{"body", "accounts", 0, "email"}, model.TypeExtraForbidden},
		{"username missing", nil, []obj{acct("Ana", drop("username"))}, []any{"body", "accounts", 0, "username"}, model.TypeMissing},
		{"username blank", nil, []obj{acct("  ")}, []any{"body", "accounts", 0, "username"}, model.TypeValue},
		{"username two lines", nil, []obj{acct("Ana\nB")}, []any{"body", "accounts", 0, "username"}, model.TypeValue},
		{"username control", nil, []obj{acct("Ana\x07")}, []any{"body", "accounts", 0, "username"}, model.TypeValue},
		{"username duplicate", nil, []obj{acct("Ana"), acct("Ana")}, []any{"body", "accounts", 1, "username"}, model.TypeDuplicate},
		{"telegram empty", nil, []obj{acct("Ana", set("telegram", ""))}, []any{"body", "accounts", 0, "telegram"}, model.TypeValue},
		{"telegram space", nil, []obj{acct("Ana", set("telegram", "a b"))}, []any{"body", "accounts", 0, "telegram"}, model.TypeValue},
		{"telegram duplicate by case", nil, []obj{acct("Ana", set("telegram", "Ana_1")), acct("Bo", set("telegram", "ana_1"))}, []any{"body", "accounts", 1, "telegram"}, model.TypeDuplicate},
		{"decentrala missing", nil, []obj{acct("Ana", drop("decentrala"))}, []any{"body", "accounts", 0, "decentrala"}, model.TypeMissing},
		{"resident missing", nil, []obj{acct("Ana", drop("resident"))}, []any{"body", "accounts", 0, "resident"}, model.TypeMissing},
		{"resident not a boolean", nil, []obj{acct("Ana", set("resident", "yes"))}, []any{"body", "accounts", 0, "resident"}, model.TypeBool},
		{"otp empty", nil, []obj{acct("Ana", set("otp_prefix", ""))}, []any{"body", "accounts", 0, "otp_prefix"}, model.TypeValue},
		{"otp symbol", nil, []obj{acct("Ana", set("otp_prefix", "12X"))}, []any{"body", "accounts", 0, "otp_prefix"}, model.TypeValue},
		{"otp starts with P", nil, []obj{acct("Ana", set("otp_prefix", "P12"))}, []any{"body", "accounts", 0, "otp_prefix"}, model.TypeValue},
		{"otp duplicate", nil, []obj{acct("Ana", set("otp_prefix", "12")), acct("Bo", set("otp_prefix", "12"))}, []any{"body", "accounts", 1, "otp_prefix"}, model.TypeDuplicate},
		{"ip leading zero", nil, []obj{acct("Ana", va("192.168.11.02", wgA))}, []any{"body", "accounts", 0, "vpn", 0, "ip"}, model.TypeValue},
		{"ip too low", nil, []obj{acct("Ana", va("192.168.11.1", wgA))}, []any{"body", "accounts", 0, "vpn", 0, "ip"}, model.TypeValue},
		{"ip too high", nil, []obj{acct("Ana", va("192.168.11.251", wgA))}, []any{"body", "accounts", 0, "vpn", 0, "ip"}, model.TypeValue},
		{"ip other net", nil, []obj{acct("Ana", va("10.0.0.2", wgA))}, []any{"body", "accounts", 0, "vpn", 0, "ip"}, model.TypeValue},
		{"ip duplicate", nil, []obj{acct("Ana", va("192.168.11.5", wgA)), acct("Bo", va("192.168.11.5", wgB))}, []any{"body", "accounts", 1, "vpn", 0, "ip"}, model.TypeDuplicate},
		{"wg key pattern", nil, []obj{acct("Ana", va("192.168.11.5", "short="))}, []any{"body", "accounts", 0, "vpn", 0, "wg_public_key"}, model.TypeValue},
		{"wg key duplicate without =", nil, []obj{acct("Ana", va("192.168.11.5", wgA)), acct("Bo", va("192.168.11.6", wgA[:43]))}, []any{"body", "accounts", 1, "vpn", 0, "wg_public_key"}, model.TypeDuplicate},
		{"ssh two lines", nil, []obj{acct("Ana", ssh(sshA+"\n"+sshB))}, []any{"body", "accounts", 0, "ssh_keys", 0}, model.TypeValue},
		{"ssh prefix", nil, []obj{acct("Ana", ssh("ecdsa-sha2-nistp256 AAAA"))}, []any{"body", "accounts", 0, "ssh_keys", 0}, model.TypeValue},
		{"ssh unparsable", nil, []obj{acct("Ana", ssh("ssh-ed25519 AAAAnotbase64!"))}, []any{"body", "accounts", 0, "ssh_keys", 0}, model.TypeValue},
		{"ssh duplicate by key", nil, []obj{acct("Ana", ssh(sshB+" one")), acct("Bo", ssh(sshB+" other"))}, []any{"body", "accounts", 1, "ssh_keys", 0}, model.TypeDuplicate},
		{"date not real", nil, []obj{acct("Ana", pay(fee("2025-02-30", "RSD", 1)))}, []any{"body", "accounts", 0, "fee_payments", 0, "date"}, model.TypeValue},
		{"date format", nil, []obj{acct("Ana", pay(fee("1.3.2025", "RSD", 1)))}, []any{"body", "accounts", 0, "fee_payments", 0, "date"}, model.TypeValue},
		{"currency", nil, []obj{acct("Ana", pay(fee("2025-03-01", "DIN", 1)))}, []any{"body", "accounts", 0, "fee_payments", 0, "currency"}, model.TypeValue},
		{"amount a string", nil, []obj{acct("Ana", pay(fee("2025-03-01", "RSD", "1500")))}, []any{"body", "accounts", 0, "fee_payments", 0, "amount"}, model.TypeNumber},
	}
	ts := newServer(t, "")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := tt.body
			if body == nil {
				body = doc(t, tt.accts...)
			}
			a := ts.post(t, writeKey, body)
			wantStatus(t, "POST "+tt.name, a, http.StatusUnprocessableEntity)
			problems := decodeProblems(t, a.body)
			if !hasProblem(problems, tt.wantLoc, tt.typ) {
				t.Errorf("422 body %s has no %s problem at %v", a.body, tt.typ, tt.wantLoc)
			}
		})
	}
	if names := testenv.VersionNames(t, ts.dir); len(names) != 0 {
		t.Errorf("invalid POSTs stored %v", names)
	}
}

type problemJSON struct {
	Loc  []any  `json:"loc"`
	Msg  string `json:"msg"`
	Type string `json:"type"`
}

func decodeProblems(tb testing.TB, body []byte) []problemJSON {
	tb.Helper()
	var got struct {
		Detail []problemJSON `json:"detail"`
	}
	if err := json.Unmarshal(body, &got); err != nil || len(got.Detail) == 0 {
		tb.Fatalf("422 body %s is not {\"detail\":[...]}: %v", body, err)
	}
	for _, p := range got.Detail {
		if p.Msg == "" || p.Type == "" || len(p.Loc) == 0 {
			tb.Errorf("problem %+v lacks loc, msg or type", p)
		}
	}
	return got.Detail
}

// hasProblem compares locations as JSON sees them: numbers are float64.
func hasProblem(ps []problemJSON, loc []any, typ string) bool {
	want := make([]any, len(loc))
	for i, e := range loc {
		if n, ok := e.(int); ok {
			want[i] = float64(n)
		} else {
			want[i] = e
		}
	}
	for _, p := range ps {
		if p.Type == typ && reflect.DeepEqual(p.Loc, want) {
			return true
		}
	}
	return false
}

// TestEveryProblemListed checks that one answer lists all the problems of
// a document, not just the first.
func TestEveryProblemListed(t *testing.T) {
	ts := newServer(t, "")
	body := doc(t,
		acct("Ana", set("otp_prefix", "P1")),
		acct("Bo", set("vpn", []any{vpnEntry("192.168.11.300", wgA)})),
		acct("", set("fee_payments", []any{fee("2025-13-01", "XYZ", 1)})),
	)
	a := ts.post(t, writeKey, body)
	wantStatus(t, "POST", a, http.StatusUnprocessableEntity)
	ps := decodeProblems(t, a.body)
	want := [][]any{
		{"body", "accounts", 0, "otp_prefix"},
		{"body", "accounts", 1, "vpn", 0, "ip"},
		{"body", "accounts", 2, "username"},
		{"body", "accounts", 2, "fee_payments", 0, "date"},
		{"body", "accounts", 2, "fee_payments", 0, "currency"},
	}
	for _, loc := range want {
		if !hasProblem(ps, loc, model.TypeValue) {
			t.Errorf("422 body %s does not list %v", a.body, loc)
		}
	}
	if len(ps) != len(want) {
		t.Errorf("422 lists %d problems, want %d: %s", len(ps), len(want), a.body)
	}
}

func TestMetaInBodyIgnored(t *testing.T) {
	ts := newServer(t, "")
	body := []byte(fmt.Sprintf(`{"meta":{"unixtime":1,"last_sha256":"%064d"},"accounts":[]}`, 7))
	wantStatus(t, "POST with meta", ts.post(t, writeKey, body), 200)
	body = doc(t, acct("Ana"))
	body = append([]byte(`{"meta":{"unixtime":99,"last_sha256":"x"},`), body[1:]...)
	wantStatus(t, "POST with odd meta", ts.post(t, writeKey, body), 200)
	got := parseDoc(t, ts.get(t, "/accounts", readKey).body)
	if got.Meta.Unixtime != clockStart.Unix() {
		t.Errorf("stored meta.unixtime = %d, want the server's clock %d", got.Meta.Unixtime, clockStart.Unix())
	}
}
