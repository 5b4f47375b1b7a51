package model_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/xecut/resident/model"
)

func TestDiff(t *testing.T) {
	tg := "ana_tg"
	ana := model.Account{Username: "ana", Resident: true}
	bob := model.Account{Username: "bob"}
	cat := model.Account{Username: "cat"}
	tests := []struct {
		name     string
		old, new []model.Account
		want     model.Changes
	}{
		{"both empty", nil, []model.Account{}, model.Changes{}},
		{"same", []model.Account{ana, bob}, []model.Account{ana, bob}, model.Changes{}},
		{"reordered only", []model.Account{ana, bob}, []model.Account{bob, ana}, model.Changes{}},
		{"nil list equals empty list", []model.Account{ana},
			[]model.Account{{Username: "ana", Resident: true, VPN: []model.VPN{}}}, model.Changes{}},
		{"added", []model.Account{ana}, []model.Account{ana, bob, cat},
			model.Changes{Added: []string{"bob", "cat"}}},
		{"removed", []model.Account{ana, bob, cat}, []model.Account{bob},
			model.Changes{Removed: []string{"ana", "cat"}}},
		{"changed residency", []model.Account{ana}, []model.Account{{Username: "ana"}},
			model.Changes{Changed: []string{"ana"}}},
		{"changed telegram",
			[]model.Account{ana}, []model.Account{{Username: "ana", Resident: true, Telegram: &tg}},
			model.Changes{Changed: []string{"ana"}}},
		{"changed payment",
			[]model.Account{{Username: "ana", FeePayments: []model.FeePayment{{Date: "2024-01-01", Currency: "EUR", Amount: "1.0"}}}},
			[]model.Account{{Username: "ana", FeePayments: []model.FeePayment{{Date: "2024-01-01", Currency: "EUR", Amount: "1"}}}},
			model.Changes{Changed: []string{"ana"}}},
		{"renamed is removed and added",
			[]model.Account{ana}, []model.Account{{Username: "anna", Resident: true}},
			model.Changes{Added: []string{"anna"}, Removed: []string{"ana"}}},
		{"all at once",
			[]model.Account{ana, bob}, []model.Account{cat, {Username: "bob", Decentrala: true}},
			model.Changes{Added: []string{"cat"}, Removed: []string{"ana"}, Changed: []string{"bob"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := model.Diff(tt.old, tt.new)
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Diff(%v, %v) (-want +got):\n%s", tt.old, tt.new, diff)
			}
			if got.Empty() != (len(tt.want.Added)+len(tt.want.Removed)+len(tt.want.Changed) == 0) {
				t.Errorf("Diff(...).Empty() = %v for %+v", got.Empty(), got)
			}
		})
	}
}

func TestAccountName(t *testing.T) {
	tg := "ana_tg"
	if got := (model.Account{Username: "Ana", Telegram: &tg}).Name(); got != tg {
		t.Errorf("Name() = %q, want %q", got, tg)
	}
	if got := (model.Account{Username: "Ana"}).Name(); got != "Ana" {
		t.Errorf("Name() = %q, want %q", got, "Ana")
	}
}
