package model_test

import (
	"bytes"
	"testing"

	"github.com/xecut/resident/model"
)

// EqualAccounts compares fields where it can, and must still answer
// exactly as comparing the canonical bytes does.
func TestEqualAccountsAgreesWithMarshal(t *testing.T) {
	tg, tg2 := "ana", "ana"
	base := func(mods ...func(*model.Account)) []model.Account {
		a := model.Account{Username: "ana", Telegram: &tg, Resident: true,
			FeePayments: []model.FeePayment{{Date: "2024-01-01", Currency: "EUR", Amount: "0"}}}
		for _, m := range mods {
			m(&a)
		}
		return []model.Account{{Username: "bob"}, a}
	}
	tests := []struct {
		name string
		a, b []model.Account
		want bool
	}{
		{"same", base(), base(), true},
		{"equal telegram behind another pointer", base(),
			base(func(a *model.Account) { a.Telegram = &tg2 }), true},
		{"nil lists and empty ones", base(func(a *model.Account) { a.VPN = []model.VPN{} }),
			base(func(a *model.Account) { a.SSHKeys = nil }), true},
		{"residency", base(), base(func(a *model.Account) { a.Resident = false }), false},
		{"telegram removed", base(), base(func(a *model.Account) { a.Telegram = nil }), false},
		{"one account fewer", base(), base()[:1], false},
		{"order", base(), []model.Account{base()[1], base()[0]}, false},
		{"bytes that are not UTF-8 encode alike",
			base(func(a *model.Account) { a.Username = "ana\xff" }),
			base(func(a *model.Account) { a.Username = "ana\xfe" }), true},
		{"U+FFFD written out is another string",
			base(func(a *model.Account) { a.Username = "ana\xff" }),
			base(func(a *model.Account) { a.Username = "ana\uFFFD" }), false},
		{"an empty amount encodes as 0", base(),
			base(func(a *model.Account) { a.FeePayments[0].Amount = "" }), true},
		{"amount 0.0 is another amount", base(),
			base(func(a *model.Account) { a.FeePayments[0].Amount = "0.0" }), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bytesEqual := bytes.Equal(model.Marshal(model.Document{Accounts: tt.a}),
				model.Marshal(model.Document{Accounts: tt.b}))
			if bytesEqual != tt.want {
				t.Fatalf("the canonical bytes are equal = %v, the test wants %v", bytesEqual, tt.want)
			}
			if got := model.EqualAccounts(tt.a, tt.b); got != tt.want {
				t.Errorf("EqualAccounts(%+v, %+v) = %v, want %v", tt.a, tt.b, got, tt.want)
			}
		})
	}
}
