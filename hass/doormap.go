// Package hass keeps the door keypad's code-to-person map in a Home
// Assistant automation equal to the account data: it builds the map from
// last.json, rewrites only the uid_map block of automations.yaml, and asks
// Home Assistant to reload its automations.
package hass

import (
	"fmt"
	"slices"
	"strings"

	"github.com/xecut/resident/model"
)

// Pair is one entry of the door map: the OTP prefix typed on the keypad
// and the Telegram name or id of the person it belongs to.
type Pair struct {
	Prefix   string
	Telegram string
}

// BuildMap reads a stored version (last.json) and returns the door map:
// every account that has both a Telegram name and an OTP prefix, sorted by
// prefix. A document with any problem is refused as a whole, so that a
// broken version can never empty the door map.
func BuildMap(lastJSON []byte) ([]Pair, error) {
	doc, err := model.Parse(lastJSON)
	if err != nil {
		return nil, err
	}
	var m []Pair
	for _, a := range doc.Accounts {
		if a.Telegram != nil && a.OTPPrefix != nil {
			m = append(m, Pair{Prefix: *a.OTPPrefix, Telegram: *a.Telegram})
		}
	}
	slices.SortFunc(m, func(x, y Pair) int { return strings.Compare(x.Prefix, y.Prefix) })
	for i := 1; i < len(m); i++ {
		if m[i].Prefix == m[i-1].Prefix {
			return nil, fmt.Errorf("otp prefix %q is used twice", m[i].Prefix)
		}
	}
	return m, nil
}
