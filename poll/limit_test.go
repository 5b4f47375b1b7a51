package poll

import (
	"errors"
	"io"
	"strings"
	"testing"
)

// A limit is reached, not passed, by input of exactly its size; one byte
// more is an error that says what was too large; a reset grants the limit
// again from where the reading is.
func TestLimitReader(t *testing.T) {
	if got, err := io.ReadAll(newLimitReader(strings.NewReader("abcd"), 4, "")); err != nil || string(got) != "abcd" {
		t.Errorf("ReadAll of 4 bytes under a limit of 4 = %q, %v, want all of it", got, err)
	}
	_, err := io.ReadAll(newLimitReader(strings.NewReader("abcde"), 4, ""))
	if !errors.Is(err, errTooLarge) {
		t.Errorf("ReadAll of 5 bytes under a limit of 4 = %v, want errTooLarge", err)
	}
	_, err = io.ReadAll(newLimitReader(strings.NewReader("abcde"), 4, "a dump entry"))
	if !errors.Is(err, errTooLarge) || !strings.Contains(err.Error(), "a dump entry is over 4 bytes") {
		t.Errorf("ReadAll with what set = %v, want it named", err)
	}

	l := newLimitReader(strings.NewReader("abcdefgh"), 4, "")
	buf := make([]byte, 8)
	if n, err := io.ReadFull(l, buf[:4]); n != 4 || err != nil {
		t.Fatalf("first 4 bytes = %d, %v", n, err)
	}
	l.reset()
	if n, err := io.ReadFull(l, buf[:4]); n != 4 || err != nil || string(buf[:4]) != "efgh" {
		t.Errorf("4 bytes after reset = %q, %v, want efgh", buf[:n], err)
	}
}
