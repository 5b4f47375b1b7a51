package model

import (
	"encoding/base64"
	"errors"
	"strings"
)

// CheckVPNIP returns why s is not a usable VPN address, or nil: the same
// rule the document's vpn[].ip follows, for consumers that check one value
// (a config field, a single entry) on its own.
func CheckVPNIP(s string) error {
	if msg := checkVPNIP(s); msg != "" {
		return errors.New(msg)
	}
	return nil
}

// CheckWGKey returns why s is not a WireGuard public key as the document
// allows it (vpn[].wg_public_key), or nil.
func CheckWGKey(s string) error {
	if msg := checkWGKey(s); msg != "" {
		return errors.New(msg)
	}
	return nil
}

// ParseWGKey decodes a key that CheckWGKey accepts the way wg itself reads
// keys: 32 bytes whose base64 form ends in "=" and has zero padding bits.
// The pattern alone lets through keys that wg rejects, and one such key
// would make a whole WireGuard config unloadable.
func ParseWGKey(s string) ([]byte, error) {
	if err := CheckWGKey(s); err != nil {
		return nil, err
	}
	b, err := base64.StdEncoding.Strict().DecodeString(strings.TrimSuffix(s, "=") + "=")
	if err != nil {
		return nil, errors.New("must be a WireGuard key that wg accepts: " +
			"its base64 does not decode to exactly 32 bytes")
	}
	return b, nil
}
