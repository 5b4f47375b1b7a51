package model_test

import (
	"fmt"
	"testing"

	"github.com/xecut/resident/model"
)

// BenchmarkParseUpdate reads a write body the size a hackspace sends with
// every edit, and ten times that.
func BenchmarkParseUpdate(b *testing.B) {
	for _, n := range []int{200, 2000} {
		data := model.Marshal(model.Document{Accounts: makeAccounts(b, n)})
		if _, err := model.ParseUpdate(data); err != nil {
			b.Fatalf("ParseUpdate of %d generated accounts = %v", n, err)
		}
		b.Run(fmt.Sprintf("accounts=%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				model.ParseUpdate(data)
			}
		})
	}
}

// BenchmarkEqualAccounts compares a head with an edit of one account, as
// the store does before every write.
func BenchmarkEqualAccounts(b *testing.B) {
	for _, n := range []int{200, 2000} {
		head := makeAccounts(b, n)
		edit := makeAccounts(b, n)
		edit[n/2].Resident = !edit[n/2].Resident
		b.Run(fmt.Sprintf("accounts=%d", n), func(b *testing.B) {
			for b.Loop() {
				if model.EqualAccounts(head, edit) {
					b.Fatal("EqualAccounts ignored a changed residency")
				}
			}
		})
	}
}
