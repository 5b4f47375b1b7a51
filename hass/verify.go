package hass

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// verify parses the edited file and checks that the automation's uid_map
// now holds m and that the rest of the document is the same tree as
// before, so that a splice that went wrong is caught before anything is
// written.
func verify(before *yaml.Node, t *target, out []byte, alias string, m []Pair) error {
	after, err := parse(out)
	if err != nil {
		return fmt.Errorf("%w: the edited file does not parse: %v", ErrLayout, err)
	}
	t2, err := locate(after, alias)
	if err != nil {
		return fmt.Errorf("%w: uid_map is lost in the edited file: %v", ErrLayout, err)
	}
	if cur, ok := currentMap(t2.value); !ok || !equalMap(cur, m) {
		return fmt.Errorf("%w: the edited uid_map at line %d does not read back as written",
			ErrLayout, t.key.Line)
	}
	s := skip{t.key: t2.key, t.value: t2.value}
	if !s.same(before, after) {
		return fmt.Errorf("%w: editing uid_map at line %d would change other parts of the file",
			ErrLayout, t.key.Line)
	}
	return nil
}

// skip pairs the nodes of the two trees that may differ: the uid_map key
// (only in how it is written) and its value.
type skip map[*yaml.Node]*yaml.Node

// same compares two trees node by node, ignoring comments and positions.
func (s skip) same(a, b *yaml.Node) bool {
	if want, ok := s[a]; ok {
		return b == want && (a.Kind != yaml.ScalarNode || a.Value == b.Value)
	}
	if a.Kind != b.Kind || a.Style != b.Style || a.ShortTag() != b.ShortTag() ||
		a.Value != b.Value || a.Anchor != b.Anchor || len(a.Content) != len(b.Content) {
		return false
	}
	for i := range a.Content {
		if !s.same(a.Content[i], b.Content[i]) {
			return false
		}
	}
	return true
}
