package model

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"
)

// Marshal returns the canonical bytes of doc: compact JSON, fields in the
// order of the types, UTF-8 without HTML escaping, null for an absent
// telegram or otp_prefix and [] for every empty list. The same document
// always gives the same bytes, so its hash names it.
func Marshal(doc Document) []byte {
	doc.Accounts = normalize(doc.Accounts)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		// Every field is a plain string, bool, int or a number that the
		// decoder accepted: encoding cannot fail for a parsed document.
		panic("model: marshal: " + err.Error())
	}
	return rawLineSeparators(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
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

// EqualAccounts tells whether two account lists serialize to the same bytes.
func EqualAccounts(a, b []Account) bool {
	return bytes.Equal(Marshal(Document{Accounts: a}), Marshal(Document{Accounts: b}))
}

func normalize(accounts []Account) []Account {
	out := make([]Account, len(accounts))
	for i, a := range accounts {
		a.VPN = nonNil(a.VPN)
		a.SSHKeys = nonNil(a.SSHKeys)
		a.FeePayments = nonNil(a.FeePayments)
		out[i] = a
	}
	return out
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// Changes names the accounts that differ between two versions.
type Changes struct {
	Added, Removed, Changed []string
}

// Empty tells whether no account differs.
func (c Changes) Empty() bool {
	return len(c.Added)+len(c.Removed)+len(c.Changed) == 0
}

// Diff compares two account lists by username, in the order of the lists.
func Diff(old, new []Account) Changes {
	before := make(map[string]Account, len(old))
	for _, a := range old {
		before[a.Username] = a
	}
	var c Changes
	after := make(map[string]bool, len(new))
	for _, a := range new {
		after[a.Username] = true
		prev, ok := before[a.Username]
		switch {
		case !ok:
			c.Added = append(c.Added, a.Username)
		case !EqualAccounts([]Account{prev}, []Account{a}):
			c.Changed = append(c.Changed, a.Username)
		}
	}
	for _, a := range old {
		if !after[a.Username] {
			c.Removed = append(c.Removed, a.Username)
		}
	}
	return c
}
