package server

import (
	"fmt"
	"strings"
	"unicode"
)

// The environment variables the keys are read from.
const (
	EnvReadKey     = "READ_KEY"
	EnvWriteKey    = "WRITE_KEY"
	EnvElectionKey = "DECENTRALA_ELECTION_KEY"
)

// MinKeyLength is the shortest key accepted, in bytes.
const MinKeyLength = 10

// KeysFromEnv reads the three keys with getenv and refuses any that is
// missing, shorter than MinKeyLength, contains whitespace or control
// characters, or equals another; the error names the variable.
func KeysFromEnv(getenv func(string) string) (Keys, error) {
	k := Keys{Read: getenv(EnvReadKey), Write: getenv(EnvWriteKey),
		Election: getenv(EnvElectionKey)}
	vars := []struct{ name, value string }{
		{EnvReadKey, k.Read}, {EnvWriteKey, k.Write}, {EnvElectionKey, k.Election},
	}
	for i, v := range vars {
		if err := checkKey(v.value); err != nil {
			return Keys{}, fmt.Errorf("%s %w", v.name, err)
		}
		for _, prev := range vars[:i] {
			if prev.value == v.value {
				return Keys{}, fmt.Errorf("%s must differ from %s: each role needs its own key",
					v.name, prev.name)
			}
		}
	}
	return k, nil
}

func checkKey(key string) error {
	switch {
	case key == "":
		return fmt.Errorf("is not set")
	case len(key) < MinKeyLength:
		return fmt.Errorf("is shorter than %d characters", MinKeyLength)
	case strings.IndexFunc(key, unicode.IsSpace) >= 0:
		return fmt.Errorf("contains whitespace")
	case strings.IndexFunc(key, unicode.IsControl) >= 0:
		return fmt.Errorf("contains control characters")
	}
	return nil
}
