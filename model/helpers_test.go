package model_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/xecut/resident/model"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// legacyDir is the data folder the earlier Python service wrote, kept
// outside the repository, beside it.
const legacyDir = "../../shared/testdata/legacy-data"

// Keys that parse, for building documents. The SSH keys are ed25519 keys
// made from fixed seeds; the sk- key is from the legacy data folder.
const (
	sshKeyA  = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIM7MFQfcHd1ylZUcKQiI8JWtuQRNG3PWlubfBl1oO9T8"
	sshKeyB  = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGt5xX5qCVI5KCwEgY6WES8/A6QAG6l6VkwjhSo/HqX8"
	sshKeyC  = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINrb0YSi1Sbx691cBv2tk1myKHWbTX951maJ+iVKrYVG"
	sshKeySK = "sk-ssh-ed25519@openssh.com AAAAGnNrLXNzaC1lZDI1NTE5QG9wZW5zc2guY29tAAAAIFHzl6leWFaVF+ym0Ej+f+c0cEqEW0uuawFtv9PSxO/qAAAABHNzaDo="
	ecdsaKey = "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBHnIMxWL+Cu0DMYFxpPpH7TRg8eaCGcinjwF6exj9zd1AHpVipui22dZOGVtjun5+ln869pjiMRV+WI3lqcTYks="
	wgKeyA   = "BwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
	wgKeyB   = "CAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAE="
	hashA    = "5844ab29d3f48fbc1a720010367bf53084cdca46bcae327863038b0278bdab23"
)

// obj is a JSON object under construction; tests change a valid account
// into the broken one they need.
type obj = map[string]any

// account returns a valid account named username, changed by mods.
func account(username string, mods ...func(obj)) obj {
	a := obj{
		"username":     username,
		"telegram":     nil,
		"decentrala":   false,
		"resident":     true,
		"otp_prefix":   nil,
		"vpn":          []any{},
		"ssh_keys":     []any{},
		"fee_payments": []any{},
	}
	for _, m := range mods {
		m(a)
	}
	return a
}

func set(key string, v any) func(obj) { return func(a obj) { a[key] = v } }
func drop(key string) func(obj)       { return func(a obj) { delete(a, key) } }

func vpn(ip, key string) obj { return obj{"ip": ip, "wg_public_key": key} }

func fee(date, currency string, amount any) obj {
	return obj{"date": date, "currency": currency, "amount": amount}
}

// num is an amount written exactly as given.
func num(s string) json.Number { return json.Number(s) }

// stored is a whole stored version holding accounts.
func stored(accounts ...obj) []byte {
	return encode(obj{"meta": obj{"unixtime": 1700000000, "last_sha256": hashA},
		"accounts": nonNilList(accounts)})
}

// body is a write body holding accounts, without meta.
func body(accounts ...obj) []byte {
	return encode(obj{"accounts": nonNilList(accounts)})
}

func nonNilList(accounts []obj) []obj {
	if accounts == nil {
		return []obj{}
	}
	return accounts
}

func encode(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err)
	}
	return bytes.TrimSpace(buf.Bytes())
}

// legacyFiles returns the names and bytes of every version in the legacy
// data folder, failing the test when the folder is not there.
func legacyFiles(tb testing.TB) map[string][]byte {
	tb.Helper()
	entries, err := os.ReadDir(legacyDir)
	if err != nil {
		tb.Fatalf("the legacy data folder is missing (%v): it must sit at "+
			"../shared/testdata/legacy-data next to the repository", err)
	}
	files := make(map[string][]byte, len(entries))
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(legacyDir, e.Name()))
		if err != nil {
			tb.Fatal(err)
		}
		files[e.Name()] = data
	}
	if len(files) == 0 {
		tb.Fatalf("no versions in %s", legacyDir)
	}
	return files
}

// makeAccounts returns n valid accounts shaped like the legacy data: VPN
// peers (one or two, until the 249 addresses run out), SSH keys for every
// third account, and a fee history of six payments.
func makeAccounts(tb testing.TB, n int) []model.Account {
	tb.Helper()
	accounts := make([]model.Account, n)
	host := model.MinVPNHost
	for i := range accounts {
		a := model.Account{
			Username:    fmt.Sprintf("Member %d Đ.", i),
			Decentrala:  i%5 == 0,
			Resident:    i%3 != 0,
			VPN:         []model.VPN{},
			SSHKeys:     []string{},
			FeePayments: []model.FeePayment{},
		}
		if i%4 != 3 {
			tg := fmt.Sprintf("member_%d", i)
			a.Telegram = &tg
		}
		if i%2 == 0 {
			otp := fmt.Sprintf("%dA", i)
			a.OTPPrefix = &otp
		}
		for j := 0; j < 1+i%2 && host <= model.MaxVPNHost; j++ {
			a.VPN = append(a.VPN, model.VPN{
				IP:          fmt.Sprintf("192.168.11.%d", host),
				WGPublicKey: wgKey(host),
			})
			host++
		}
		if i%3 == 0 {
			a.SSHKeys = append(a.SSHKeys, sshKey(tb, i)+fmt.Sprintf(" member%d@laptop", i))
		}
		for m := 0; m < 6; m++ {
			a.FeePayments = append(a.FeePayments, model.FeePayment{
				Date:     fmt.Sprintf("2025-%02d-%02d", 1+m, 1+i%28),
				Currency: model.Currencies[(i+m)%len(model.Currencies)],
				Amount:   []json.Number{"1500.0", "25.5", "0.0002", "1e-05"}[m%4],
			})
		}
		accounts[i] = a
	}
	return accounts
}

func wgKey(n int) string {
	b := make([]byte, 32)
	b[0], b[1], b[31] = byte(n), byte(n>>8), 0x5a
	return base64.StdEncoding.EncodeToString(b)
}

// sshKey returns a distinct ed25519 public key in authorized_keys form.
func sshKey(tb testing.TB, n int) string {
	tb.Helper()
	seed := make([]byte, ed25519.SeedSize)
	seed[0], seed[1], seed[2] = byte(n), byte(n>>8), 0xa5
	pub, err := ssh.NewPublicKey(ed25519.NewKeyFromSeed(seed).Public())
	if err != nil {
		tb.Fatal(err)
	}
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pub)))
}
