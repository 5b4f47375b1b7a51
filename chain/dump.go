package chain

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// WriteDump streams versions as one JSON object mapping each file name to
// the file's content as a string, in chain order, reading one file at a
// time so that a long history never sits in memory. It stops at the first
// failed write, so a client that went away costs no further reads.
func (s *Store) WriteDump(w io.Writer, vs []Version) error {
	bw := bufio.NewWriter(w)
	bw.WriteByte('{')
	for i, v := range vs {
		data, err := s.ReadFile(v)
		if err != nil {
			return fmt.Errorf("read %s: %w", v.Name, err)
		}
		if i > 0 {
			bw.WriteByte(',')
		}
		writeString(bw, v.Name)
		bw.WriteByte(':')
		if err := writeString(bw, string(data)); err != nil {
			return fmt.Errorf("write dump: %w", err)
		}
	}
	bw.WriteByte('}')
	return bw.Flush()
}

// writeString writes s as a JSON string. A bufio.Writer keeps its first
// error, so checking the last write covers the ones before it.
func writeString(w io.Writer, s string) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.Encode(s) // a string always encodes
	_, err := w.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
	return err
}

// ReadDump decodes a dump, handing each entry to fn in the order the server
// sent them. It reads entry by entry, so the caller bounds memory by
// bounding r.
func ReadDump(r io.Reader, fn func(name string, data []byte) error) error {
	dec := json.NewDecoder(r)
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return fmt.Errorf("dump is not a JSON object: %v", errOr(err, t))
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return fmt.Errorf("read dump: %w", err)
		}
		name, _ := t.(string)
		// A pointer tells null, which Decode would pass as "", from a string.
		var content *string
		err = dec.Decode(&content)
		if err == nil && content == nil {
			err = errors.New("null")
		}
		if err != nil {
			return fmt.Errorf("read dump entry %q: content is not a string: %w", name, err)
		}
		if err := fn(name, []byte(*content)); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil {
		return fmt.Errorf("read dump: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("read dump: unexpected data after the object")
	}
	return nil
}

func errOr(err error, t json.Token) any {
	if err != nil {
		return err
	}
	return t
}
