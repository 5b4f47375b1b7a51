package vpn

import (
	"bytes"
	"fmt"
	"strings"
	"unicode"
)

// Interface is the gateway's own part of the file.
type Interface struct {
	// PrivateKey is vpn_private_key, already checked by config.
	PrivateKey string
	// Port is vpn_port, the UDP port WireGuard listens on.
	Port int
}

// The gateway's address and the NAT rules that let peers reach the
// hackspace's network through eth0.
const (
	gatewayAddress = "192.168.11.1/24"
	postUp         = "iptables -t nat -A POSTROUTING -o eth0 -j MASQUERADE"
	postDown       = "iptables -t nat -D POSTROUTING -o eth0 -j MASQUERADE"
)

// maxComment bounds an account name in a comment: enough to recognize
// it, short enough to keep the file readable.
const maxComment = 64

// Render writes the complete wg0.conf for iface and peers, in the order
// given (Peers sorts them). Each peer is preceded by a comment naming its
// account, made safe so that nothing in a name can start a line.
func Render(iface Interface, peers []Peer) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "[Interface]\nPrivateKey = %s\nAddress = %s\nListenPort = %d\n\n",
		iface.PrivateKey, gatewayAddress, iface.Port)
	fmt.Fprintf(&b, "PostUp = %s\nPostDown = %s\n", postUp, postDown)
	for _, p := range peers {
		fmt.Fprintf(&b, "\n# %s\n[Peer]\nPublicKey = %s\nAllowedIPs = %s/32\n",
			comment(p), p.Key, p.IP)
	}
	return b.Bytes()
}

func comment(p Peer) string {
	name := safeName(p.Account)
	switch {
	case p.Admin && p.Account == "":
		return "admin"
	case p.Admin:
		return name + " (admin)"
	}
	return name
}

// safeName keeps the printable characters of s and replaces every other
// one (line breaks of any kind, controls, format characters, invalid
// UTF-8) with "?", then shortens it.
func safeName(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == unicode.ReplacementChar || !unicode.IsPrint(r) {
			return '?'
		}
		return r
	}, s)
	if r := []rune(s); len(r) > maxComment {
		s = string(r[:maxComment]) + "..."
	}
	if strings.TrimSpace(s) == "" {
		return "(no username)"
	}
	return s
}
