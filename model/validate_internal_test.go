package model

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// isDate must accept exactly what the rule it replaced accepted: the
// pattern yyyy-mm-dd and a date that time.Parse takes.
func TestIsDateMatchesTimeParse(t *testing.T) {
	pattern := regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)
	var inputs []string
	for _, y := range []string{"0000", "0001", "1900", "2000", "2023", "2024", "2100", "9999"} {
		for m := 0; m <= 13; m++ {
			for d := 0; d <= 32; d++ {
				inputs = append(inputs, fmt.Sprintf("%s-%02d-%02d", y, m, d))
			}
		}
	}
	inputs = append(inputs, "", "2024-1-01", "2024-01-1", "2024/01/01", "2024-01-01 ",
		"２０２４-01-01", "2024-0a-01", "+024-01-01", "2024-01-01\n", "20240-01-01")
	for _, s := range inputs {
		_, err := time.Parse(time.DateOnly, s)
		want := pattern.MatchString(s) && err == nil
		if got := isDate(s); got != want {
			t.Errorf("isDate(%q) = %v, want %v", s, got, want)
		}
	}
}

// A remembered key line gives what parsing it gives, valid or not, and
// the memory stays within its bound.
func TestSSHKeyBlobCache(t *testing.T) {
	const key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIM7MFQfcHd1ylZUcKQiI8JWtuQRNG3PWlubfBl1oO9T8"
	for range 2 {
		if blob, ok := sshKeyBlob(key + " a@b"); !ok || len(blob) != 51 {
			t.Errorf("sshKeyBlob(valid key) = %d bytes, %v, want 51 bytes, true", len(blob), ok)
		}
		if _, ok := sshKeyBlob(key[:60]); ok {
			t.Errorf("sshKeyBlob(%q) = valid, want invalid", key[:60])
		}
	}
	for i := range sshKeyCacheSize + 10 {
		sshKeyBlob(fmt.Sprintf("ssh-ed25519 %d", i))
	}
	sshKeys.Lock()
	n := len(sshKeys.m)
	sshKeys.Unlock()
	if n > sshKeyCacheSize {
		t.Errorf("the SSH key cache holds %d lines, want at most %d", n, sshKeyCacheSize)
	}
	if blob, ok := sshKeyBlob(key); !ok || len(blob) != 51 {
		t.Errorf("sshKeyBlob(valid key) after the cache filled = %d bytes, %v", len(blob), ok)
	}
}

// The address and WireGuard key rules must accept exactly what the
// patterns they replaced accepted.
func TestVPNRulesMatchPatterns(t *testing.T) {
	ipPattern := regexp.MustCompile(`^192\.168\.11\.(0|[1-9][0-9]{0,2})$`)
	keyPattern := regexp.MustCompile(`^[A-Za-z0-9+/]{43}=?$`)
	ips := []string{"192.168.11.", "192.168.11.0", "192.168.11.00", "192.168.11.01",
		"192.168.11.1000", "192.168.11.-1", "192.168.11.+1", "192.168.11.1 ", "192.168.11.1\n",
		"192.168.11.1a", "192.168.11.٣", "192.168.111.1", "x192.168.11.1"}
	for n := 0; n <= 1000; n++ {
		ips = append(ips, fmt.Sprintf("192.168.11.%d", n))
	}
	for _, s := range ips {
		m := ipPattern.FindStringSubmatch(s)
		want := ""
		if m == nil {
			want = "leading zeros"
		} else if n, _ := strconv.Atoi(m[1]); n < MinVPNHost || n > MaxVPNHost {
			want = "between"
		}
		if got := checkVPNIP(s); !strings.Contains(got, want) || (got == "") != (want == "") {
			t.Errorf("checkVPNIP(%q) = %q, want a message with %q", s, got, want)
		}
	}
	key := "BwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
	keys := []string{"", key, key[:43], key[:42], key[:42] + "==", key + "=", "A" + key,
		key[:43] + "\n", key + "\n", "-" + key[1:], "_" + key[1:], "é" + key[2:], key[:43] + "A"}
	for _, s := range keys {
		want := keyPattern.MatchString(s)
		if got := checkWGKey(s) == ""; got != want {
			t.Errorf("checkWGKey(%q) accepts = %v, want %v", s, got, want)
		}
	}
}
