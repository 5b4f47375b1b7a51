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

// BenchmarkParseUpdateKnown reads the same write bodies with the head they
// edit known: one account changed, the others sent back as they were.
func BenchmarkParseUpdateKnown(b *testing.B) {
	for _, n := range []int{200, 2000} {
		head := makeAccounts(b, n)
		known := model.KnowAccounts(head)
		edit := append([]model.Account{}, head...)
		edit[n/2].Resident = !edit[n/2].Resident
		data := model.Marshal(model.Document{Accounts: edit})
		if _, err := model.ParseUpdateKnown(data, known); err != nil {
			b.Fatalf("ParseUpdateKnown of %d generated accounts = %v", n, err)
		}
		b.Run(fmt.Sprintf("accounts=%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				model.ParseUpdateKnown(data, known)
			}
		})
	}
}

// BenchmarkKnowAccounts is what a write pays once per head to know it.
func BenchmarkKnowAccounts(b *testing.B) {
	for _, n := range []int{200, 2000} {
		head := makeAccounts(b, n)
		b.Run(fmt.Sprintf("accounts=%d", n), func(b *testing.B) {
			for b.Loop() {
				model.KnowAccounts(head)
			}
		})
	}
}
