package model

import (
	"slices"
	"strings"
)

// Known is a list of sound accounts with the canonical bytes of each, made
// from the head a write will replace. ParseUpdateKnown takes an account
// that the write sends exactly as known, byte for byte and at the same
// place in the list, without decoding it or checking its values again: a
// save from the web page changes one account and sends the others back as
// they were. Such an account still takes part in the uniqueness rules,
// which span all accounts.
type Known struct {
	accounts []Account
	raw      [][]byte // nil where an account is not taken as known
}

// KnowAccounts returns accounts as Known. They must be sound and as a
// decoder returns them: returned without a problem by Parse or
// ParseUpdate, or changed since only in residency, which no rule
// constrains.
func KnowAccounts(accounts []Account) *Known {
	_, k := MarshalKnown(Document{Accounts: accounts}, nil)
	return k
}

// MarshalKnown is Marshal, and also returns the document's accounts as
// Known (see KnowAccounts for what they must be), whose bytes are those of
// the document. An account equal to the one prev knows at the same place
// is copied from prev's bytes instead of encoded again; prev may be nil.
// An account whose fee payments are not in date order is not taken as
// known, because ParseUpdate would return it sorted.
func MarshalKnown(doc Document, prev *Known) ([]byte, *Known) {
	n := len(doc.Accounts)
	spans := make([]int, 2*n)
	b := make([]byte, 0, marshalSize(doc))
	b = appendDocument(b, doc, spans, func(b []byte, i int, a Account) []byte {
		if prev != nil && i < len(prev.raw) && prev.raw[i] != nil && sameAccount(a, prev.accounts[i]) {
			return append(b, prev.raw[i]...)
		}
		return appendAccount(b, a)
	})
	k := &Known{accounts: doc.Accounts, raw: make([][]byte, n)}
	for i, a := range doc.Accounts {
		if slices.IsSortedFunc(a.FeePayments, byDate) {
			start, end := spans[2*i], spans[2*i+1]
			k.raw[i] = b[start:end:end]
		}
	}
	return b, k
}

// byDate orders fee payments as they are stored.
func byDate(x, y FeePayment) int { return strings.Compare(x.Date, y.Date) }

// ParseUpdateKnown is ParseUpdate, taking accounts sent exactly as known
// from known, which may be nil. The result is the same as ParseUpdate's
// for any data (FuzzParseUpdateKnown); the accounts taken from known share
// their lists with known's, which no one may change.
func ParseUpdateKnown(data []byte, known *Known) ([]Account, error) {
	doc, trusted, ps, err := decodeKnown(data, false, known)
	if err != nil {
		return nil, err
	}
	validate(&ps, doc.Accounts, trusted)
	if err := ps.err(); err != nil {
		return nil, err
	}
	for i, a := range doc.Accounts {
		if i >= len(trusted) || !trusted[i] {
			slices.SortStableFunc(a.FeePayments, byDate)
		}
	}
	return doc.Accounts, nil
}

// take returns the known account at i when the input continues with its
// bytes.
func (k *Known) take(s *scanner, i int) (Account, bool) {
	if k == nil || i >= len(k.raw) || k.raw[i] == nil {
		return Account{}, false
	}
	s.ws()
	raw := k.raw[i]
	if len(s.b)-s.i < len(raw) || string(s.b[s.i:s.i+len(raw)]) != string(raw) {
		return Account{}, false
	}
	s.i += len(raw)
	return k.accounts[i], true
}
