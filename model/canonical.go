package model

import (
	"bytes"
	"encoding/json"
	"slices"
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
//
// Lists of another length never do, and accounts with equal fields always
// do; only a pair of accounts whose fields differ is serialized, because
// two spellings can still give the same bytes (strings that differ only in
// bytes that are not UTF-8, an empty amount and 0). The store
// compares every write with the head, so this is on the path of each POST.
func EqualAccounts(a, b []Account) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !sameAccount(a[i], b[i]) &&
			!bytes.Equal(Marshal(Document{Accounts: a[i : i+1]}), Marshal(Document{Accounts: b[i : i+1]})) {
			return false
		}
	}
	return true
}

// sameAccount tells whether two accounts hold equal fields, taking a nil
// list for an empty one as Marshal does.
func sameAccount(a, b Account) bool {
	return a.Username == b.Username && a.Decentrala == b.Decentrala &&
		a.Resident == b.Resident && sameOpt(a.Telegram, b.Telegram) &&
		sameOpt(a.OTPPrefix, b.OTPPrefix) && slices.Equal(a.VPN, b.VPN) &&
		slices.Equal(a.SSHKeys, b.SSHKeys) && slices.Equal(a.FeePayments, b.FeePayments)
}

func sameOpt(a, b *string) bool {
	return a == nil && b == nil || a != nil && b != nil && *a == *b
}

// normalize gives Marshal the accounts with [] for every nil list, copying
// them only when one has a nil list.
func normalize(accounts []Account) []Account {
	if accounts != nil && !slices.ContainsFunc(accounts, hasNilList) {
		return accounts
	}
	out := make([]Account, len(accounts))
	for i, a := range accounts {
		a.VPN = nonNil(a.VPN)
		a.SSHKeys = nonNil(a.SSHKeys)
		a.FeePayments = nonNil(a.FeePayments)
		out[i] = a
	}
	return out
}

func hasNilList(a Account) bool {
	return a.VPN == nil || a.SSHKeys == nil || a.FeePayments == nil
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
