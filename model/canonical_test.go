package model_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/xecut/resident/model"
)

// TestMarshalGolden checks the canonical bytes of every input in
// testdata/canonical against its .golden file; -update rewrites them.
func TestMarshalGolden(t *testing.T) {
	inputs, err := filepath.Glob("testdata/canonical/*.json")
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no inputs in testdata/canonical (%v)", err)
	}
	for _, in := range inputs {
		t.Run(filepath.Base(in), func(t *testing.T) {
			data, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			doc, err := model.Parse(data)
			if err != nil {
				t.Fatalf("Parse(%s) = %v", in, err)
			}
			got := model.Marshal(*doc)
			golden := strings.TrimSuffix(in, ".json") + ".golden"
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./model -run TestMarshalGolden -update)", err)
			}
			if diff := cmp.Diff(string(want), string(got)); diff != "" {
				t.Errorf("Marshal(Parse(%s)) (-want +got):\n%s", in, diff)
			}
			checkCanonical(t, got)
		})
	}
}

// checkCanonical asserts what a golden file alone could not: that the
// bytes are the canonical form whatever the golden file says.
func checkCanonical(t *testing.T, got []byte) {
	t.Helper()
	for _, bad := range []string{`\u`, "\n", `": `, `, "`, `null]`, `"vpn":null`, `"ssh_keys":null`, `"fee_payments":null`} {
		if bytes.Contains(got, []byte(bad)) {
			t.Errorf("canonical bytes contain %q:\n%s", bad, got)
		}
	}
	doc, err := model.Parse(got)
	if err != nil {
		t.Fatalf("Parse(canonical) = %v", err)
	}
	if again := model.Marshal(*doc); !bytes.Equal(again, got) {
		t.Errorf("Marshal(Parse(canonical)) = %s, want %s", again, got)
	}
}

func TestMarshalExact(t *testing.T) {
	tg, otp := "ana_b", "12A"
	meta := model.Meta{Unixtime: 1736542445, LastSHA256: hashA}
	head := `{"meta":{"unixtime":1736542445,"last_sha256":"` + hashA + `"},"accounts":`
	tests := []struct {
		name string
		doc  model.Document
		want string
	}{
		{"no accounts", model.Document{Meta: meta}, head + `[]}`},
		{"zero document",
			model.Document{}, `{"meta":{"unixtime":0,"last_sha256":""},"accounts":[]}`},
		{"nil lists and nil pointers",
			model.Document{Meta: meta, Accounts: []model.Account{{Username: "ana"}}},
			head + `[{"username":"ana","telegram":null,"decentrala":false,"resident":false,` +
				`"otp_prefix":null,"vpn":[],"ssh_keys":[],"fee_payments":[]}]}`},
		{"every field", model.Document{Meta: meta, Accounts: []model.Account{{
			Username: "Đorđe <a> & \"b\"", Telegram: &tg, Decentrala: true, Resident: true, OTPPrefix: &otp,
			VPN:         []model.VPN{{IP: "192.168.11.2", WGPublicKey: wgKeyA}},
			SSHKeys:     []string{sshKeyA + " đ@host"},
			FeePayments: []model.FeePayment{{Date: "2024-02-29", Currency: "ETH", Amount: "0.000000000000000001"}},
		}}}, head + `[{"username":"Đorđe <a> & \"b\"","telegram":"ana_b","decentrala":true,"resident":true,` +
			`"otp_prefix":"12A","vpn":[{"ip":"192.168.11.2","wg_public_key":"` + wgKeyA + `"}],` +
			`"ssh_keys":["` + sshKeyA + ` đ@host"],` +
			`"fee_payments":[{"date":"2024-02-29","currency":"ETH","amount":0.000000000000000001}]}]}`},
		{"line separators stay UTF-8", model.Document{Meta: meta, Accounts: []model.Account{{
			Username: "a\u2028b\u2029c \\u2028 \\\u2028"}}},
			head + `[{"username":"a` + "\u2028" + `b` + "\u2029" + `c \\u2028 \\` + "\u2028" + `","telegram":null,` +
				`"decentrala":false,"resident":false,"otp_prefix":null,"vpn":[],"ssh_keys":[],"fee_payments":[]}]}`},
		{"control characters escaped",
			model.Document{Meta: meta, Accounts: []model.Account{{Username: "a\tb\x01"}}},
			head + `[{"username":"a\tb\u0001","telegram":null,` +
				`"decentrala":false,"resident":false,"otp_prefix":null,"vpn":[],"ssh_keys":[],"fee_payments":[]}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, string(model.Marshal(tt.doc))); diff != "" {
				t.Errorf("Marshal(%+v) (-want +got):\n%s", tt.doc, diff)
			}
		})
	}
}

// Amounts are kept as written, so a version written by the Python service
// and one written now hash the way their authors meant.
func TestAmountKeptExactly(t *testing.T) {
	for _, amount := range []string{
		"0.000000000000000001", "1500.0", "1e-05", "1E+2", "2.50", "1500",
		"123456789012345678901234567890.000000000000000000001", "1e400",
	} {
		t.Run(amount, func(t *testing.T) {
			input := []byte(`{"meta":{"unixtime":1,"last_sha256":"` + hashA + `"},"accounts":[{"username":"ana",` +
				`"telegram":null,"decentrala":false,"resident":true,"otp_prefix":null,"vpn":[],"ssh_keys":[],` +
				`"fee_payments":[{"date":"2024-01-01","currency":"ETH","amount":` + amount + `}]}]}`)
			doc, err := model.Parse(input)
			if err != nil {
				t.Fatalf("Parse(%s) = %v", input, err)
			}
			if got := string(doc.Accounts[0].FeePayments[0].Amount); got != amount {
				t.Errorf("Parse(%s) amount = %s, want %s", input, got, amount)
			}
			if !bytes.Equal(model.Marshal(*doc), input) {
				t.Errorf("Marshal(Parse(x)) = %s, want x = %s", model.Marshal(*doc), input)
			}
			accounts, err := model.ParseUpdate(body(account("ana", set("fee_payments",
				[]any{fee("2024-01-01", "ETH", num(amount))}))))
			if err != nil || string(accounts[0].FeePayments[0].Amount) != amount {
				t.Errorf("ParseUpdate amount = %v (%v), want %s", accounts, err, amount)
			}
		})
	}
}

// The canonical form of what ParseUpdate returns is stable: storing it
// and reading it back gives the same bytes, so the hash is reproducible.
func TestMarshalParseUpdateStable(t *testing.T) {
	data, err := os.ReadFile("testdata/canonical/messy.json")
	if err != nil {
		t.Fatal(err)
	}
	accounts, err := model.ParseUpdate(data)
	if err != nil {
		t.Fatalf("ParseUpdate(messy.json) = %v", err)
	}
	first := model.Marshal(model.Document{Meta: model.Meta{Unixtime: 5, LastSHA256: hashA}, Accounts: accounts})
	doc, err := model.Parse(first)
	if err != nil {
		t.Fatalf("Parse(%s) = %v", first, err)
	}
	if second := model.Marshal(*doc); !bytes.Equal(first, second) {
		t.Errorf("Marshal(Parse(x)) = %s, want x = %s", second, first)
	}
	dates := []string{}
	for _, p := range doc.Accounts[0].FeePayments {
		dates = append(dates, p.Date+" "+p.Currency)
	}
	want := []string{"2024-11-18 ETH", "2024-11-18 BTC", "2025-01-01 EUR", "2025-03-17 RSD"}
	if diff := cmp.Diff(want, dates); diff != "" {
		t.Errorf("stored payments (-want +got):\n%s", diff)
	}
}

func TestEqualAccounts(t *testing.T) {
	tg := "ana"
	a := []model.Account{{Username: "ana", Telegram: &tg}}
	if !model.EqualAccounts(a, []model.Account{{Username: "ana", Telegram: &tg, VPN: []model.VPN{}}}) {
		t.Error("EqualAccounts: a nil list and an empty one differ, want equal")
	}
	if model.EqualAccounts(a, []model.Account{{Username: "ana"}}) {
		t.Error("EqualAccounts: telegram null and \"ana\" are equal, want different")
	}
	if !model.EqualAccounts(nil, []model.Account{}) {
		t.Error("EqualAccounts(nil, []) = false, want true")
	}
}
