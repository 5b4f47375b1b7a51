package model

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

// jsonMarshal is how Marshal made the canonical bytes before it wrote
// them by hand: encoding/json with HTML escaping off, U+2028 and U+2029
// turned back into UTF-8. Marshal must give the same bytes, or the
// versions written from now on would not hash as the earlier ones did.
func jsonMarshal(doc Document) []byte {
	accounts := make([]Account, len(doc.Accounts))
	for i, a := range doc.Accounts {
		a.VPN = nonNil(a.VPN)
		a.SSHKeys = nonNil(a.SSHKeys)
		a.FeePayments = nonNil(a.FeePayments)
		accounts[i] = a
	}
	doc.Accounts = accounts
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		panic("model: marshal: " + err.Error())
	}
	return rawLineSeparators(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// rawLineSeparators undoes encoding/json's escaping of U+2028 and U+2029,
// which it does for JavaScript embedding even without HTML escaping, so
// that the canonical form is UTF-8 throughout. Escapes are read pairwise:
// in "\\u2028" the backslash is escaped and the text is left alone.
func rawLineSeparators(b []byte) []byte {
	if !bytes.Contains(b, []byte(`\u202`)) {
		return b
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' || i+1 == len(b) {
			out = append(out, b[i])
			continue
		}
		switch string(b[i+1 : min(i+6, len(b))]) {
		case "u2028":
			out, i = utf8.AppendRune(out, '\u2028'), i+5
			continue
		case "u2029":
			out, i = utf8.AppendRune(out, '\u2029'), i+5
			continue
		}
		out = append(out, b[i], b[i+1])
		i++
	}
	return out
}

// TestMarshalMatchesEncodingJSON compares the two on every document the
// tests have at hand, flawed ones included.
func TestMarshalMatchesEncodingJSON(t *testing.T) {
	for i, data := range fastSeeds(t) {
		doc, _ := Parse(data)
		if doc == nil {
			continue
		}
		if got, want := Marshal(*doc), jsonMarshal(*doc); !bytes.Equal(got, want) {
			t.Errorf("seed %d: Marshal = %s\nwant %s", i, got, want)
		}
	}
	if got, want := Marshal(Document{}), jsonMarshal(Document{}); !bytes.Equal(got, want) {
		t.Errorf("Marshal(Document{}) = %s, want %s", got, want)
	}
}

// FuzzMarshal puts any text into every kind of field, and any amount.
func FuzzMarshal(f *testing.F) {
	for _, s := range []string{"", "Đorđe <a> & \"b\"", "a\u2028b\u2029c \\u2028 \\\u2028",
		"a\tb\x01\x7f\b\f\r\n", "a\xffb\xe2\x80", "\uFFFD", "ssh-ed25519 AAAA x@y",
		"\\", "\"\\u2029"} {
		f.Add(s, "1500.0", true)
		f.Add(s, "", false)
	}
	f.Add("x", "1e", true)
	f.Add("x", "-0.5E+07", false)
	f.Fuzz(func(t *testing.T, s, amount string, flag bool) {
		p := &s
		if flag {
			p = nil
		}
		doc := Document{Meta: Meta{Unixtime: int64(len(s)), LastSHA256: s}, Accounts: []Account{
			{Username: s, Telegram: p, Decentrala: flag, Resident: !flag, OTPPrefix: &s,
				VPN:         []VPN{{IP: s, WGPublicKey: s}, {}},
				SSHKeys:     []string{s, s + s},
				FeePayments: []FeePayment{{Date: s, Currency: s, Amount: json.Number(amount)}}},
			{Username: s},
		}}
		got, gotPanic := tryMarshal(Marshal, doc)
		want, wantPanic := tryMarshal(jsonMarshal, doc)
		if gotPanic != wantPanic || !bytes.Equal(got, want) {
			t.Fatalf("Marshal = %s (panic %q)\nwant %s (panic %q)", got, gotPanic, want, wantPanic)
		}
		plain := utf8.ValidString(s) && strings.IndexFunc(s, needsEscape) < 0
		if gotPanic == "" && plain && !bytes.Contains(got, []byte(s)) {
			t.Fatalf("Marshal lost %q: %s", s, got)
		}
	})
}

func needsEscape(r rune) bool { return r < 0x20 || r == '"' || r == '\\' }

func tryMarshal(marshal func(Document) []byte, doc Document) (b []byte, panicked string) {
	defer func() {
		if r := recover(); r != nil {
			panicked = fmt.Sprint(r)
		}
	}()
	return marshal(doc), ""
}
