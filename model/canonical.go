package model

import (
	"bytes"
	"slices"
)

// Marshal returns the canonical bytes of doc: compact JSON, fields in the
// order of the types, UTF-8 without HTML escaping, null for an absent
// telegram or otp_prefix and [] for every empty list. The same document
// always gives the same bytes, so its hash names it.
func Marshal(doc Document) []byte {
	return appendDocument(make([]byte, 0, marshalSize(doc)), doc, nil, nil)
}

// marshalSize is about what the canonical bytes of doc take: what an
// account of a busy member takes, so that the buffer seldom grows.
func marshalSize(doc Document) int {
	const perAccount = 640
	return 128 + perAccount*len(doc.Accounts)
}

// EqualAccounts tells whether two account lists serialize to the same bytes.
//
// Lists of another length never do, and accounts with equal fields always
// do; only a pair of accounts whose fields differ is serialized, because
// two spellings can still give the same bytes (strings that differ only in
// bytes that are not UTF-8, an empty amount and 0). The store compares
// every write with the head, so this is on the path of each POST.
func EqualAccounts(a, b []Account) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if sameAccount(a[i], b[i]) {
			continue
		}
		one, other := Document{Accounts: a[i : i+1]}, Document{Accounts: b[i : i+1]}
		if !bytes.Equal(Marshal(one), Marshal(other)) {
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
