// Package model is the account document that every part of resident shares:
// the Go types, the strict decoder with its validation rules, and the one
// canonical serialization that new versions are written in.
package model

import "encoding/json"

// Document is one version of the account data.
type Document struct {
	Meta     Meta      `json:"meta"`
	Accounts []Account `json:"accounts"`
}

// Meta links a version to the one before it.
type Meta struct {
	// Unixtime is when the version was written, in seconds.
	Unixtime int64 `json:"unixtime"`
	// LastSHA256 is the hex sha256 of the previous version's file, or 64
	// zeros for the first version.
	LastSHA256 string `json:"last_sha256"`
}

// Account is one person known to the hackspace.
type Account struct {
	Username    string       `json:"username"`
	Telegram    *string      `json:"telegram"`
	Decentrala  bool         `json:"decentrala"`
	Resident    bool         `json:"resident"`
	OTPPrefix   *string      `json:"otp_prefix"`
	VPN         []VPN        `json:"vpn"`
	SSHKeys     []string     `json:"ssh_keys"`
	FeePayments []FeePayment `json:"fee_payments"`
}

// VPN is one WireGuard peer of an account.
type VPN struct {
	IP          string `json:"ip"`
	WGPublicKey string `json:"wg_public_key"`
}

// FeePayment is one membership fee paid.
type FeePayment struct {
	// Date is a calendar date written yyyy-mm-dd.
	Date     string `json:"date"`
	Currency string `json:"currency"`
	// Amount keeps the number exactly as it was written, so that neither
	// 1500.0 nor 0.000000000000000001 is changed by a round trip.
	Amount json.Number `json:"amount"`
}

// Currencies lists the accepted fee currencies, in the order shown to people.
var Currencies = []string{"RSD", "EUR", "USD", "RUB", "ETH", "BTC"}

// OTPSymbols are the keys of the door keypad that an OTP prefix may use.
const OTPSymbols = "0123456789PTMBOSLA"

// MaxOTPPrefix is the most symbols an OTP prefix may have: far more than
// anyone types before a code on a keypad, and short enough for every
// consumer (a YAML key on one line may not pass 1024 characters).
const MaxOTPPrefix = 32

// Name returns the account's Telegram username when it has one, else its
// username: the name consumers show for it.
func (a Account) Name() string {
	if a.Telegram != nil {
		return *a.Telegram
	}
	return a.Username
}
