package model_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/xecut/resident/model"
)

// problem is what a test expects of one FieldError: its path as a person
// reads it, its type, and a piece of its message.
type problem struct {
	Path string
	Type string
	Msg  string
}

// problemsOf returns the problems in err, failing when err is not a
// *model.ValidationError.
func problemsOf(tb testing.TB, err error) []problem {
	tb.Helper()
	if err == nil {
		return nil
	}
	var ve *model.ValidationError
	if !errors.As(err, &ve) {
		tb.Fatalf("error %v is a %T, want *model.ValidationError", err, err)
	}
	out := make([]problem, len(ve.Problems))
	for i, p := range ve.Problems {
		if strings.TrimSpace(p.Msg) == "" {
			tb.Errorf("problem at %s has no message", p.Path)
		}
		out[i] = problem{Path: p.Path.String(), Type: p.Type, Msg: p.Msg}
	}
	return out
}

// checkProblems compares paths and types exactly and messages by the
// piece each want names.
func checkProblems(t *testing.T, call string, got, want []problem) {
	t.Helper()
	strip := func(ps []problem) []problem {
		out := make([]problem, len(ps))
		for i, p := range ps {
			out[i] = problem{Path: p.Path, Type: p.Type}
		}
		return out
	}
	if diff := cmp.Diff(strip(want), strip(got)); diff != "" {
		t.Fatalf("%s problems (-want +got):\n%s\nall: %v", call, diff, got)
	}
	for i, w := range want {
		if !strings.Contains(got[i].Msg, w.Msg) {
			t.Errorf("%s: message at %s = %q, want it to mention %q", call, w.Path, got[i].Msg, w.Msg)
		}
	}
}

// withVPN, withSSH and withFees return an account "a" holding the given
// VPN entries, SSH keys or fee payments.
func withVPN(entries ...any) obj   { return account("a", set("vpn", entries)) }
func withSSH(keys ...any) obj      { return account("a", set("ssh_keys", keys)) }
func withFees(payments ...any) obj { return account("a", set("fee_payments", payments)) }

const (
	missing   = model.TypeMissing
	extra     = model.TypeExtraForbidden
	valueErr  = model.TypeValue
	duplicate = model.TypeDuplicate
)

func TestParseRules(t *testing.T) {
	a0 := "accounts[0]."
	a1 := "accounts[1]."
	tests := []struct {
		name  string
		input []byte
		want  []problem
	}{
		{"valid", stored(account("Ana Đ.", set("telegram", "ana"), set("otp_prefix", "12A"),
			set("vpn", []any{vpn("192.168.11.2", wgKeyA)}), set("ssh_keys", []any{sshKeyA + " ana@laptop"}),
			set("fee_payments", []any{fee("2024-02-29", "RSD", 1500)}))), nil},
		{"no accounts", stored(), nil},

		{"username missing", stored(account("a", drop("username"))),
			[]problem{{a0 + "username", missing, "required"}}},
		{"username not a string", stored(account("a", set("username", 7))),
			[]problem{{a0 + "username", model.TypeString, "not a number"}}},
		{"username null", stored(account("a", set("username", nil))),
			[]problem{{a0 + "username", model.TypeString, "not null"}}},
		{"username empty", stored(account("")),
			[]problem{{a0 + "username", valueErr, "blank"}}},
		{"username blank", stored(account(" \t ")),
			[]problem{{a0 + "username", valueErr, "blank"}}},
		{"username two lines", stored(account("ana\nbob")),
			[]problem{{a0 + "username", valueErr, "single line"}}},
		{"username carriage return", stored(account("ana\r")),
			[]problem{{a0 + "username", valueErr, "single line"}}},
		{"username control character", stored(account("ana\x00")),
			[]problem{{a0 + "username", valueErr, "control"}}},
		{"username tab inside", stored(account("ana\tbob")),
			[]problem{{a0 + "username", valueErr, "control"}}},
		{"username duplicate", stored(account("ana"), account("ana")),
			[]problem{{a1 + "username", duplicate, `account "ana" at accounts[0].username`}}},
		{"username differing in case is another person",
			stored(account("ana"), account("Ana")), nil},

		{"telegram absent", stored(account("a", drop("telegram"))), nil},
		{"telegram empty", stored(account("a", set("telegram", ""))),
			[]problem{{a0 + "telegram", valueErr, "null"}}},
		{"telegram with a space", stored(account("a", set("telegram", "ana b"))),
			[]problem{{a0 + "telegram", valueErr, "spaces"}}},
		{"telegram two lines", stored(account("a", set("telegram", "ana\nb"))),
			[]problem{{a0 + "telegram", valueErr, "line"}}},
		{"telegram control character", stored(account("a", set("telegram", "ana\x7f"))),
			[]problem{{a0 + "telegram", valueErr, "control"}}},
		{"telegram number", stored(account("a", set("telegram", 3787093963))),
			[]problem{{a0 + "telegram", model.TypeString, "not a number"}}},
		{"telegram digits as a string", stored(account("a", set("telegram", "3787093963"))), nil},
		{"telegram duplicate ignoring case", stored(account("a", set("telegram", "Ana_B")),
			account("b", set("telegram", "ana_b"))),
			[]problem{{a1 + "telegram", duplicate, `account "a"`}}},

		{"decentrala missing", stored(account("a", drop("decentrala"))),
			[]problem{{a0 + "decentrala", missing, "required"}}},
		{"resident missing", stored(account("a", drop("resident"))),
			[]problem{{a0 + "resident", missing, "required"}}},
		{"resident null", stored(account("a", set("resident", nil))),
			[]problem{{a0 + "resident", model.TypeBool, "not null"}}},
		{"decentrala string", stored(account("a", set("decentrala", "true"))),
			[]problem{{a0 + "decentrala", model.TypeBool, "not a string"}}},
		{"resident number", stored(account("a", set("resident", 1))),
			[]problem{{a0 + "resident", model.TypeBool, "true or false"}}},

		{"otp_prefix absent", stored(account("a", drop("otp_prefix"))), nil},
		{"otp_prefix every symbol",
			stored(account("a", set("otp_prefix", "0123456789TMBOSLAP"))), nil},
		{"otp_prefix empty", stored(account("a", set("otp_prefix", ""))),
			[]problem{{a0 + "otp_prefix", valueErr, "null"}}},
		{"otp_prefix other symbol", stored(account("a", set("otp_prefix", "12X"))),
			[]problem{{a0 + "otp_prefix", valueErr, model.OTPSymbols}}},
		{"otp_prefix lower case", stored(account("a", set("otp_prefix", "1a"))),
			[]problem{{a0 + "otp_prefix", valueErr, "symbols"}}},
		{"otp_prefix space", stored(account("a", set("otp_prefix", "1 2"))),
			[]problem{{a0 + "otp_prefix", valueErr, "symbols"}}},
		{"otp_prefix starting with P", stored(account("a", set("otp_prefix", "P12"))),
			[]problem{{a0 + "otp_prefix", valueErr, "start with P"}}},
		{"otp_prefix of the most symbols",
			stored(account("a", set("otp_prefix", strings.Repeat("1", model.MaxOTPPrefix)))), nil},
		{"otp_prefix too long",
			stored(account("a", set("otp_prefix", strings.Repeat("1", model.MaxOTPPrefix+1)))),
			[]problem{{a0 + "otp_prefix", valueErr, "at most 32 symbols, got 33"}}},
		{"otp_prefix number", stored(account("a", set("otp_prefix", 12))),
			[]problem{{a0 + "otp_prefix", model.TypeString, "number"}}},
		{"otp_prefix duplicate", stored(account("a", set("otp_prefix", "12")),
			account("b", set("otp_prefix", "12"))),
			[]problem{{a1 + "otp_prefix", duplicate, `account "a"`}}},

		{"vpn lowest address", stored(withVPN(vpn("192.168.11.2", wgKeyA))), nil},
		{"vpn highest address", stored(withVPN(vpn("192.168.11.250", wgKeyA))), nil},
		{"vpn gateway address", stored(withVPN(vpn("192.168.11.1", wgKeyA))),
			[]problem{{a0 + "vpn[0].ip", valueErr, "between 192.168.11.2 and 192.168.11.250"}}},
		{"vpn network address", stored(withVPN(vpn("192.168.11.0", wgKeyA))),
			[]problem{{a0 + "vpn[0].ip", valueErr, "between"}}},
		{"vpn above the range", stored(withVPN(vpn("192.168.11.251", wgKeyA))),
			[]problem{{a0 + "vpn[0].ip", valueErr, "between"}}},
		{"vpn not an address", stored(withVPN(vpn("192.168.11.999", wgKeyA))),
			[]problem{{a0 + "vpn[0].ip", valueErr, "between"}}},
		{"vpn leading zero", stored(withVPN(vpn("192.168.11.02", wgKeyA))),
			[]problem{{a0 + "vpn[0].ip", valueErr, "leading zeros"}}},
		{"vpn leading zeros", stored(withVPN(vpn("192.168.11.010", wgKeyA))),
			[]problem{{a0 + "vpn[0].ip", valueErr, "leading zeros"}}},
		{"vpn other network", stored(withVPN(vpn("192.168.12.5", wgKeyA))),
			[]problem{{a0 + "vpn[0].ip", valueErr, "192.168.11.x"}}},
		{"vpn with a mask", stored(withVPN(vpn("192.168.11.5/32", wgKeyA))),
			[]problem{{a0 + "vpn[0].ip", valueErr, "192.168.11.x"}}},
		{"vpn with spaces", stored(withVPN(vpn(" 192.168.11.5", wgKeyA))),
			[]problem{{a0 + "vpn[0].ip", valueErr, "192.168.11.x"}}},
		{"vpn address twice in one account", stored(account("a", set("vpn",
			[]any{vpn("192.168.11.5", wgKeyA), vpn("192.168.11.5", wgKeyB)}))),
			[]problem{{a0 + "vpn[1].ip", duplicate, "accounts[0].vpn[0].ip"}}},
		{"vpn address in two accounts", stored(
			account("a", set("vpn", []any{vpn("192.168.11.5", wgKeyA)})),
			account("b", set("vpn", []any{vpn("192.168.11.5", wgKeyB)}))),
			[]problem{{a1 + "vpn[0].ip", duplicate, `account "a"`}}},
		{"vpn ip missing", stored(withVPN(obj{"wg_public_key": wgKeyA})),
			[]problem{{a0 + "vpn[0].ip", missing, "required"}}},
		{"vpn key missing", stored(withVPN(obj{"ip": "192.168.11.5"})),
			[]problem{{a0 + "vpn[0].wg_public_key", missing, "required"}}},
		{"vpn not a list", stored(account("a", set("vpn", vpn("192.168.11.5", wgKeyA)))),
			[]problem{{a0 + "vpn", model.TypeList, "not an object"}}},
		{"vpn null", stored(account("a", set("vpn", nil))),
			[]problem{{a0 + "vpn", model.TypeList, "not null"}}},
		{"vpn entry not an object", stored(withVPN("192.168.11.5")),
			[]problem{{a0 + "vpn[0]", model.TypeObject, "not a string"}}},

		{"wg key without =",
			stored(withVPN(vpn("192.168.11.5", strings.TrimSuffix(wgKeyA, "=")))), nil},
		{"wg key too short", stored(withVPN(vpn("192.168.11.5", wgKeyA[:42]))),
			[]problem{{a0 + "vpn[0].wg_public_key", valueErr, "43 base64"}}},
		{"wg key too long", stored(withVPN(vpn("192.168.11.5", "A"+wgKeyA))),
			[]problem{{a0 + "vpn[0].wg_public_key", valueErr, "WireGuard"}}},
		{"wg key ==", stored(withVPN(vpn("192.168.11.5", wgKeyA[:42]+"=="))),
			[]problem{{a0 + "vpn[0].wg_public_key", valueErr, "WireGuard"}}},
		{"wg key url-safe alphabet", stored(withVPN(vpn("192.168.11.5", "-"+wgKeyA[1:]))),
			[]problem{{a0 + "vpn[0].wg_public_key", valueErr, "WireGuard"}}},
		{"wg key with a newline", stored(withVPN(vpn("192.168.11.5", wgKeyA+"\n"))),
			[]problem{{a0 + "vpn[0].wg_public_key", valueErr, "WireGuard"}}},
		{"wg key twice", stored(
			account("a", set("vpn", []any{vpn("192.168.11.5", wgKeyA)})),
			account("b", set("vpn", []any{vpn("192.168.11.6", wgKeyA)}))),
			[]problem{{a1 + "vpn[0].wg_public_key", duplicate, "WireGuard key"}}},
		{"wg key twice, once without =", stored(
			account("a", set("vpn", []any{vpn("192.168.11.5", wgKeyA)})),
			account("b", set("vpn", []any{vpn("192.168.11.6", strings.TrimSuffix(wgKeyA, "="))}))),
			[]problem{{a1 + "vpn[0].wg_public_key", duplicate, "accounts[0].vpn[0].wg_public_key"}}},

		{"ssh key with comment", stored(withSSH(sshKeyA + " ana@laptop")), nil},
		{"ssh sk- key", stored(withSSH(sshKeySK + " ana@yubikey")), nil},
		{"ssh two lines", stored(withSSH(sshKeyA + "\n" + sshKeyB)),
			[]problem{{a0 + "ssh_keys[0]", valueErr, "single line"}}},
		{"ssh trailing newline", stored(withSSH(sshKeyA + "\n")),
			[]problem{{a0 + "ssh_keys[0]", valueErr, "single line"}}},
		{"ssh other prefix", stored(withSSH(ecdsaKey)),
			[]problem{{a0 + "ssh_keys[0]", valueErr, "ssh- or sk-"}}},
		{"ssh leading space", stored(withSSH(" " + sshKeyA)),
			[]problem{{a0 + "ssh_keys[0]", valueErr, "ssh- or sk-"}}},
		{"ssh bad base64", stored(withSSH("ssh-ed25519 AAAA!!!!")),
			[]problem{{a0 + "ssh_keys[0]", valueErr, "not a valid OpenSSH public key"}}},
		{"ssh truncated key", stored(withSSH(sshKeyA[:60])),
			[]problem{{a0 + "ssh_keys[0]", valueErr, "not a valid"}}},
		{"ssh type does not match the key", stored(account("a", set("ssh_keys",
			[]any{"ssh-rsa" + strings.TrimPrefix(sshKeyA, "ssh-ed25519")}))),
			[]problem{{a0 + "ssh_keys[0]", valueErr, "not a valid"}}},
		{"ssh key type only", stored(withSSH("ssh-ed25519")),
			[]problem{{a0 + "ssh_keys[0]", valueErr, "not a valid"}}},
		{"ssh options before the key", stored(account("a", set("ssh_keys",
			[]any{`ssh-x,command="/bin/sh" ` + sshKeyA}))),
			[]problem{{a0 + "ssh_keys[0]", valueErr, "not a valid"}}},
		{"ssh not a string", stored(withSSH(obj{})),
			[]problem{{a0 + "ssh_keys[0]", model.TypeString, "not an object"}}},
		{"ssh same key, other comment, other account", stored(
			account("a", set("ssh_keys", []any{sshKeyA + " ana@laptop"})),
			account("b", set("ssh_keys", []any{sshKeyA + " bob@desk"}))),
			[]problem{{a1 + "ssh_keys[0]", duplicate, `account "a" at accounts[0].ssh_keys[0]`}}},
		{"ssh same key twice in one account", stored(
			account("a", set("ssh_keys", []any{sshKeyA, sshKeyA + " again"}))),
			[]problem{{a0 + "ssh_keys[1]", duplicate, "SSH key"}}},
		{"ssh same comment, other keys", stored(
			account("a", set("ssh_keys", []any{sshKeyA + " same", sshKeyB + " same"}))), nil},

		{"fee leap day", stored(withFees(fee("2024-02-29", "EUR", 5))), nil},
		{"fee 30 February", stored(withFees(fee("2024-02-30", "EUR", 5))),
			[]problem{{a0 + "fee_payments[0].date", valueErr, `real date written yyyy-mm-dd, got "2024-02-30"`}}},
		{"fee 29 February of a common year", stored(withFees(fee("2023-02-29", "EUR", 5))),
			[]problem{{a0 + "fee_payments[0].date", valueErr, "real date"}}},
		{"fee month 13", stored(withFees(fee("2024-13-01", "EUR", 5))),
			[]problem{{a0 + "fee_payments[0].date", valueErr, "real date"}}},
		{"fee short date", stored(withFees(fee("2024-2-3", "EUR", 5))),
			[]problem{{a0 + "fee_payments[0].date", valueErr, "yyyy-mm-dd"}}},
		{"fee date with time", stored(withFees(fee("2024-02-03T00:00:00Z", "EUR", 5))),
			[]problem{{a0 + "fee_payments[0].date", valueErr, "yyyy-mm-dd"}}},
		{"fee day first", stored(withFees(fee("03-02-2024", "EUR", 5))),
			[]problem{{a0 + "fee_payments[0].date", valueErr, "yyyy-mm-dd"}}},
		{"fee date number",
			stored(account("a", set("fee_payments", []any{fee("x", "EUR", 5)}), func(a obj) {
				a["fee_payments"].([]any)[0].(obj)["date"] = 20240203
			})), []problem{{a0 + "fee_payments[0].date", model.TypeString, "not a number"}}},
		{"fee every currency", stored(withFees(
			fee("2024-01-01", "RSD", 1), fee("2024-01-01", "EUR", 1), fee("2024-01-01", "USD", 1),
			fee("2024-01-01", "RUB", 1), fee("2024-01-01", "ETH", 1), fee("2024-01-01", "BTC", 1))), nil},
		{"fee other currency", stored(withFees(fee("2024-01-01", "GBP", 5))),
			[]problem{{a0 + "fee_payments[0].currency", valueErr, "RSD EUR USD RUB ETH BTC"}}},
		{"fee currency lower case", stored(withFees(fee("2024-01-01", "eur", 5))),
			[]problem{{a0 + "fee_payments[0].currency", valueErr, `got "eur"`}}},
		{"fee amount zero", stored(withFees(fee("2024-01-01", "EUR", 0))),
			[]problem{{a0 + "fee_payments[0].amount", valueErr, "greater than zero"}}},
		{"fee amount 0.0", stored(withFees(fee("2024-01-01", "EUR", num("0.0")))),
			[]problem{{a0 + "fee_payments[0].amount", valueErr, "greater than zero"}}},
		{"fee amount 0e5", stored(withFees(fee("2024-01-01", "EUR", num("0e5")))),
			[]problem{{a0 + "fee_payments[0].amount", valueErr, "greater than zero"}}},
		{"fee amount -0", stored(withFees(fee("2024-01-01", "EUR", num("-0")))),
			[]problem{{a0 + "fee_payments[0].amount", valueErr, "greater than zero"}}},
		{"fee amount negative", stored(withFees(fee("2024-01-01", "EUR", num("-5")))),
			[]problem{{a0 + "fee_payments[0].amount", valueErr, "got -5"}}},
		{"fee amount tiny", stored(withFees(fee("2024-01-01", "ETH", num("1e-999")))), nil},
		{"fee amount as a string", stored(withFees(fee("2024-01-01", "EUR", "1500"))),
			[]problem{{a0 + "fee_payments[0].amount", model.TypeNumber, "not a string"}}},
		{"fee amount null", stored(withFees(fee("2024-01-01", "EUR", nil))),
			[]problem{{a0 + "fee_payments[0].amount", model.TypeNumber, "not null"}}},
		{"fee fields missing", stored(withFees(obj{})), []problem{
			{a0 + "fee_payments[0].date", missing, "required"},
			{a0 + "fee_payments[0].currency", missing, "required"},
			{a0 + "fee_payments[0].amount", missing, "required"},
		}},

		{"unknown top-level field", encode(obj{"meta": obj{"unixtime": 1, "last_sha256": hashA},
			"accounts": []any{}, "extra": 1}),
			[]problem{{"extra", extra, "unknown field"}}},
		{"unknown meta field",
			encode(obj{"meta": obj{"unixtime": 1, "last_sha256": hashA, "note": ""},
				"accounts": []any{}}),
			[]problem{{"meta.note", extra, "unknown field"}}},
		{"unknown account field", stored(account("a", set("email", "a@b"))),
			[]problem{{a0 + "email", extra, "unknown field"}}},
		{"field name in another case", stored(account("a", set("Resident", true))),
			[]problem{{a0 + "Resident", extra, "unknown field"}}},
		{"unknown vpn field", stored(withVPN(obj{"ip": "192.168.11.5",
			"wg_public_key": wgKeyA, "name": "phone"})),
			[]problem{{a0 + "vpn[0].name", extra, "unknown field"}}},
		{"unknown fee field", stored(withFees(obj{"date": "2024-01-01",
			"currency": "EUR", "amount": 1, "note": "cash"})),
			[]problem{{a0 + "fee_payments[0].note", extra, "unknown field"}}},
		{"unknown fields listed in sorted order", stored(account("a", set("zz", 1), set("aa", 2))),
			[]problem{{a0 + "aa", extra, ""}, {a0 + "zz", extra, ""}}},

		{"meta missing", body(account("a")), []problem{{"meta", missing, "required"}}},
		{"meta not an object", encode(obj{"meta": 1, "accounts": []any{}}),
			[]problem{{"meta", model.TypeObject, "not a number"}}},
		{"meta unixtime missing",
			encode(obj{"meta": obj{"last_sha256": hashA}, "accounts": []any{}}),
			[]problem{{"meta.unixtime", missing, "required"}}},
		{"meta unixtime string",
			encode(obj{"meta": obj{"unixtime": "1", "last_sha256": hashA}, "accounts": []any{}}),
			[]problem{{"meta.unixtime", model.TypeInt, "whole number"}}},
		{"meta unixtime fraction",
			encode(obj{"meta": obj{"unixtime": num("1.5"), "last_sha256": hashA}, "accounts": []any{}}),
			[]problem{{"meta.unixtime", model.TypeInt, "whole number"}}},
		{"meta unixtime negative",
			encode(obj{"meta": obj{"unixtime": -1, "last_sha256": hashA}, "accounts": []any{}}),
			[]problem{{"meta.unixtime", model.TypeInt, "0 or more"}}},
		{"meta hash upper case",
			encode(obj{"meta": obj{"unixtime": 1, "last_sha256": strings.ToUpper(hashA)}, "accounts": []any{}}),
			[]problem{{"meta.last_sha256", valueErr, "64 lowercase hex"}}},
		{"meta hash short",
			encode(obj{"meta": obj{"unixtime": 1, "last_sha256": hashA[:63]}, "accounts": []any{}}),
			[]problem{{"meta.last_sha256", valueErr, "64 lowercase hex"}}},
		{"meta hash missing", encode(obj{"meta": obj{"unixtime": 1}, "accounts": []any{}}),
			[]problem{{"meta.last_sha256", missing, "required"}}},

		{"accounts missing", encode(obj{"meta": obj{"unixtime": 1, "last_sha256": hashA}}),
			[]problem{{"accounts", missing, "required"}}},
		{"accounts null",
			encode(obj{"meta": obj{"unixtime": 1, "last_sha256": hashA}, "accounts": nil}),
			[]problem{{"accounts", model.TypeList, "not null"}}},
		{"account not an object",
			encode(obj{"meta": obj{"unixtime": 1, "last_sha256": hashA}, "accounts": []any{"ana"}}),
			[]problem{{"accounts[0]", model.TypeObject, "not a string"}}},
		{"document a list", []byte(`[]`), []problem{{"", model.TypeObject, "not a list"}}},
		{"document a string", []byte(`"x"`), []problem{{"", model.TypeObject, "not a string"}}},
		{"document null", []byte(`null`), []problem{{"", model.TypeObject, "not null"}}},
		{"trailing whitespace", append(stored(), " \n\t"...), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := model.Parse(tt.input)
			checkProblems(t, "Parse("+string(tt.input)+")", problemsOf(t, err), tt.want)
			if doc == nil {
				t.Fatalf("Parse(%q) returned no document for well-formed JSON", tt.input)
			}
		})
	}
}
