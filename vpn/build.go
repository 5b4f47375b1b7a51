// Package vpn turns the account data into the VPN gateway's WireGuard
// config (wg0.conf) and installs it: build the peer list from last.json,
// put the admin in, leave out every entry that breaks a rule, render the
// file, then replace the installed one and reload the interface, going
// back to the previous file when that fails.
package vpn

import (
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/xecut/resident/model"
)

// Entry is one VPN entry as the data gives it, with where it came from.
type Entry struct {
	// Account is the username of the account holding the entry.
	Account string
	// Path locates the entry in the document, e.g. accounts[3].vpn[0].
	Path string
	IP   string
	Key  string
}

// Peer is one [Peer] block of the rendered file.
type Peer struct {
	// Account names the account in the comment above the block; empty for
	// the admin when no account in the data holds the admin's entry.
	Account string
	// Admin marks the entry from vpn_admin_ip and vpn_admin_public_key.
	Admin bool
	IP    string
	// Key is the public key in the 44-character form wg reads.
	Key  string
	host int
}

// Dropped is an entry left out of the file, and why.
type Dropped struct {
	Entry
	Reason string
}

// Entries returns every VPN entry of the stored version in data, in
// document order. A version with problems still yields its entries, with
// the problems as err (a *model.ValidationError): the rules are applied
// entry by entry afterwards, so one flaw costs no one else their access.
// Entries is empty only when data is not JSON at all.
func Entries(data []byte) ([]Entry, error) {
	doc, err := model.Parse(data)
	if doc == nil {
		return nil, err
	}
	var out []Entry
	for i, a := range doc.Accounts {
		for j, v := range a.VPN {
			out = append(out, Entry{
				Account: a.Username,
				Path:    model.Path{"accounts", i, "vpn", j}.String(),
				IP:      v.IP,
				Key:     v.WGPublicKey,
			})
		}
	}
	return out, err
}

// Peers puts the admin in and applies the rules to every entry in turn:
// a valid address and key, neither the admin's nor one an earlier entry
// already holds. The first entry in document order keeps a contested
// address or key. The data's copy of the admin's exact entry merges with
// the admin. Peers are sorted by address. The error is only for an admin
// entry that is itself invalid, which config checks rule out.
func Peers(admin Entry, entries []Entry) ([]Peer, []Dropped, error) {
	first, err := peer(admin)
	if err != nil {
		return nil, nil, fmt.Errorf("admin entry: %w", err)
	}
	first.Account, first.Admin = "", true
	peers := []Peer{first}
	owners := map[string]string{
		"ip " + first.IP:   "the admin (vpn_admin_ip)",
		"key " + first.Key: "the admin (vpn_admin_public_key)",
	}
	var dropped []Dropped
	merged := false
	for _, e := range entries {
		p, err := peer(e)
		switch {
		case err != nil:
			dropped = append(dropped, Dropped{e, err.Error()})
		case p.IP == first.IP && p.Key == first.Key && !merged:
			peers[0].Account, merged = e.Account, true
		case owners["ip "+p.IP] != "":
			dropped = append(dropped, Dropped{e, "address " + p.IP + " is already used by " + owners["ip "+p.IP]})
		case owners["key "+p.Key] != "":
			dropped = append(dropped, Dropped{e, "this key is already used by " + owners["key "+p.Key]})
		default:
			owner := fmt.Sprintf("account %q at %s", e.Account, e.Path)
			owners["ip "+p.IP], owners["key "+p.Key] = owner, owner
			peers = append(peers, p)
		}
	}
	slices.SortFunc(peers, func(a, b Peer) int { return a.host - b.host })
	return peers, dropped, nil
}

// peer checks one entry with the document's own rules, plus wg's stricter
// reading of keys.
func peer(e Entry) (Peer, error) {
	if err := model.CheckVPNIP(e.IP); err != nil {
		return Peer{}, fmt.Errorf("ip %w", err)
	}
	key, err := model.ParseWGKey(e.Key)
	if err != nil {
		return Peer{}, fmt.Errorf("wg_public_key %w", err)
	}
	host, _ := strconv.Atoi(e.IP[strings.LastIndexByte(e.IP, '.')+1:])
	return Peer{
		Account: e.Account,
		IP:      e.IP,
		Key:     base64.StdEncoding.EncodeToString(key),
		host:    host,
	}, nil
}
