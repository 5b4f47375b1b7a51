package vpn

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/xecut/resident/model"
)

// summary shows peers as "ip comment" lines and dropped entries as
// "path: reason".
func summary(peers []Peer, dropped []Dropped) (got, gone []string) {
	for _, p := range peers {
		got = append(got, p.IP+" "+comment(p))
	}
	for _, d := range dropped {
		gone = append(gone, d.Path+": "+d.Reason)
	}
	return got, gone
}

func entry(account, ip, key string) Entry {
	return Entry{Account: account, Path: account, IP: ip, Key: key}
}

func TestPeers(t *testing.T) {
	tests := []struct {
		name     string
		entries  []Entry
		want     []string
		wantGone []string // each a path and a part of the reason
	}{
		{
			name: "no data: the admin alone",
			want: []string{"192.168.11.2 admin"},
		},
		{
			name: "sorted by address as numbers",
			entries: []Entry{
				entry("a", "192.168.11.100", keyA),
				entry("b", "192.168.11.9", keyB),
				entry("c", "192.168.11.10", keyC),
			},
			want: []string{"192.168.11.2 admin", "192.168.11.9 b", "192.168.11.10 c", "192.168.11.100 a"},
		},
		{
			name:    "the data's exact admin entry appears once, named",
			entries: []Entry{entry("root", "192.168.11.2", adminKey), entry("a", "192.168.11.3", keyA)},
			want:    []string{"192.168.11.2 root (admin)", "192.168.11.3 a"},
		},
		{
			name:    "the admin entry without its final = is the same entry",
			entries: []Entry{entry("root", "192.168.11.2", strings.TrimSuffix(adminKey, "="))},
			want:    []string{"192.168.11.2 root (admin)"},
		},
		{
			name:     "the admin entry twice: the second is left out",
			entries:  []Entry{entry("root", "192.168.11.2", adminKey), entry("copy", "192.168.11.2", adminKey)},
			want:     []string{"192.168.11.2 root (admin)"},
			wantGone: []string{"copy: address 192.168.11.2 is already used by the admin"},
		},
		{
			name:     "the admin's address with another key",
			entries:  []Entry{entry("mallory", "192.168.11.2", keyA), entry("a", "192.168.11.3", keyB)},
			want:     []string{"192.168.11.2 admin", "192.168.11.3 a"},
			wantGone: []string{"mallory: address 192.168.11.2 is already used by the admin"},
		},
		{
			name:     "the admin's key at another address",
			entries:  []Entry{entry("mallory", "192.168.11.7", adminKey)},
			want:     []string{"192.168.11.2 admin"},
			wantGone: []string{"mallory: this key is already used by the admin"},
		},
		{
			name:     "the admin's key without = at another address",
			entries:  []Entry{entry("mallory", "192.168.11.7", strings.TrimSuffix(adminKey, "="))},
			want:     []string{"192.168.11.2 admin"},
			wantGone: []string{"mallory: this key is already used by the admin"},
		},
		{
			name:     "two accounts with one address: the first keeps it",
			entries:  []Entry{entry("a", "192.168.11.5", keyA), entry("b", "192.168.11.5", keyB)},
			want:     []string{"192.168.11.2 admin", "192.168.11.5 a"},
			wantGone: []string{`b: address 192.168.11.5 is already used by account "a"`},
		},
		{
			name:     "two accounts with one key: the first keeps it",
			entries:  []Entry{entry("a", "192.168.11.5", keyA), entry("b", "192.168.11.6", keyA)},
			want:     []string{"192.168.11.2 admin", "192.168.11.5 a"},
			wantGone: []string{`b: this key is already used by account "a"`},
		},
		{
			name:     "one key with and without =: the first keeps it",
			entries:  []Entry{entry("a", "192.168.11.5", strings.TrimSuffix(keyA, "=")), entry("b", "192.168.11.6", keyA)},
			want:     []string{"192.168.11.2 admin", "192.168.11.5 a"},
			wantGone: []string{`b: this key is already used by account "a"`},
		},
		{
			name:     "an entry left out claims nothing",
			entries:  []Entry{entry("a", "192.168.11.5", "bad"), entry("b", "192.168.11.5", keyB)},
			want:     []string{"192.168.11.2 admin", "192.168.11.5 b"},
			wantGone: []string{"a: wg_public_key must be a WireGuard public key"},
		},
		{
			name: "one bad entry costs no one else",
			entries: []Entry{
				entry("a", "192.168.11.5", keyA),
				entry("a", "192.168.11.300", keyB),
				entry("b", "192.168.11.6", keyC),
			},
			want:     []string{"192.168.11.2 admin", "192.168.11.5 a", "192.168.11.6 b"},
			wantGone: []string{"a: ip must be"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			peers, dropped, err := Peers(testAdmin, tt.entries)
			if err != nil {
				t.Fatalf("Peers() error = %v", err)
			}
			got, gone := summary(peers, dropped)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Peers() peers (-want +got):\n%s", diff)
			}
			checkGone(t, gone, tt.wantGone)
		})
	}
}

func checkGone(tb testing.TB, gone, want []string) {
	tb.Helper()
	if len(gone) != len(want) {
		tb.Fatalf("dropped %q, want %q", gone, want)
	}
	for i := range want {
		if !strings.HasPrefix(gone[i], want[i]) {
			tb.Errorf("dropped[%d] = %q, want it to start with %q", i, gone[i], want[i])
		}
	}
}

// TestPeersRules runs every rule on a single entry beside a valid one.
func TestPeersRules(t *testing.T) {
	tests := []struct {
		name    string
		ip, key string
		wantErr bool
	}{
		{name: "valid", ip: "192.168.11.3", key: keyB},
		{name: "lowest host", ip: "192.168.11.2", key: adminKey},
		{name: "highest host", ip: "192.168.11.250", key: keyB},
		{name: "43-character key", ip: "192.168.11.3", key: strings.TrimSuffix(keyB, "=")},
		{name: "gateway address", ip: "192.168.11.1", key: keyB, wantErr: true},
		{name: "network address", ip: "192.168.11.0", key: keyB, wantErr: true},
		{name: "host 251", ip: "192.168.11.251", key: keyB, wantErr: true},
		{name: "broadcast", ip: "192.168.11.255", key: keyB, wantErr: true},
		{name: "leading zero", ip: "192.168.11.03", key: keyB, wantErr: true},
		{name: "other subnet", ip: "192.168.12.3", key: keyB, wantErr: true},
		{name: "CIDR suffix", ip: "192.168.11.3/32", key: keyB, wantErr: true},
		{name: "empty address", ip: "", key: keyB, wantErr: true},
		{name: "address with newline", ip: "192.168.11.3\n", key: keyB, wantErr: true},
		{name: "address with spaces", ip: " 192.168.11.3", key: keyB, wantErr: true},
		{name: "key too short", ip: "192.168.11.3", key: keyB[:42] + "=", wantErr: true},
		{name: "key too long", ip: "192.168.11.3", key: "A" + keyB, wantErr: true},
		{name: "key with -", ip: "192.168.11.3", key: "-" + keyB[1:], wantErr: true},
		{name: "key padding bits wg rejects", ip: "192.168.11.3", key: keyB[:42] + "V=", wantErr: true},
		{name: "key with newline", ip: "192.168.11.3", key: keyB + "\n", wantErr: true},
		{name: "key with newline inside", ip: "192.168.11.3", key: keyB[:20] + "\n" + keyB[21:], wantErr: true},
		{name: "empty key", ip: "192.168.11.3", key: "", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			entries := []Entry{entry("x", tt.ip, tt.key), entry("other", "192.168.11.4", keyC)}
			peers, dropped, err := Peers(testAdmin, entries)
			if err != nil {
				t.Fatalf("Peers() error = %v", err)
			}
			if gotErr := len(dropped) > 0; gotErr != tt.wantErr {
				t.Fatalf("Peers(%q, %q) dropped %v, wantErr %v", tt.ip, tt.key, dropped, tt.wantErr)
			}
			want := 3
			if tt.wantErr || tt.ip == testAdmin.IP {
				want = 2
			}
			if len(peers) != want {
				t.Errorf("Peers(%q, %q) = %d peers, want %d", tt.ip, tt.key, len(peers), want)
			}
		})
	}
}

func TestPeersBadAdmin(t *testing.T) {
	_, _, err := Peers(Entry{IP: "192.168.11.1", Key: adminKey}, nil)
	if err == nil {
		t.Fatal("Peers() with the gateway's address as the admin's: no error")
	}
}

func TestPeersKeyForm(t *testing.T) {
	peers, _, err := Peers(testAdmin, []Entry{entry("a", "192.168.11.3", strings.TrimSuffix(keyA, "="))})
	if err != nil {
		t.Fatal(err)
	}
	if peers[1].Key != keyA {
		t.Errorf("key = %q, want the form wg reads, %q", peers[1].Key, keyA)
	}
}

func TestEntries(t *testing.T) {
	t.Run("document order with paths", func(t *testing.T) {
		data := lastJSON(t,
			account{name: "a", vpn: [][2]string{{"192.168.11.9", keyA}, {"192.168.11.3", keyB}}},
			account{name: "b"},
			account{name: "c", vpn: [][2]string{{"192.168.11.4", keyC}}})
		got, err := Entries(data)
		if err != nil {
			t.Fatalf("Entries() error = %v", err)
		}
		want := []Entry{
			{Account: "a", Path: "accounts[0].vpn[0]", IP: "192.168.11.9", Key: keyA},
			{Account: "a", Path: "accounts[0].vpn[1]", IP: "192.168.11.3", Key: keyB},
			{Account: "c", Path: "accounts[2].vpn[0]", IP: "192.168.11.4", Key: keyC},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Entries() (-want +got):\n%s", diff)
		}
	})
	t.Run("a flawed document still yields its entries", func(t *testing.T) {
		data := []byte(`{"meta":{"unixtime":1,"last_sha256":"` + zeros + `"},"accounts":[
			{"username":"a\nb","decentrala":false,"resident":true,"fee_payments":[{"date":"2025-02-30","currency":"XXX","amount":-1}],
			 "vpn":[{"ip":"192.168.11.5","wg_public_key":"` + keyA + `"},{"ip":5,"wg_public_key":"` + keyB + `"}]},
			{"username":"c","decentrala":false,"resident":true,"surprise":1,
			 "vpn":[{"ip":"192.168.11.6","wg_public_key":"` + keyC + `"}]}]}`)
		got, err := Entries(data)
		var ve *model.ValidationError
		if !errors.As(err, &ve) {
			t.Fatalf("Entries() error = %v, want a *model.ValidationError", err)
		}
		peers, dropped, _ := Peers(testAdmin, got)
		ips, gone := summary(peers, dropped)
		want := []string{"192.168.11.2 admin", "192.168.11.5 a?b", "192.168.11.6 c"}
		if diff := cmp.Diff(want, ips); diff != "" {
			t.Errorf("peers (-want +got):\n%s", diff)
		}
		checkGone(t, gone, []string{"accounts[0].vpn[1]: ip must be"})
	})
	for _, data := range []string{"", "not json", `{"accounts":[`, "[]", `"text"`} {
		t.Run(fmt.Sprintf("unusable %q", data), func(t *testing.T) {
			got, err := Entries([]byte(data))
			if err == nil || len(got) != 0 {
				t.Errorf("Entries(%q) = %v, %v; want no entries and an error", data, got, err)
			}
		})
	}
}
