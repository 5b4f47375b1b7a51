package testenv

import (
	"bytes"
	"encoding/json"
)

// Dump encodes n version files the way GET /dump sends them: one JSON
// object from each file name to the file's content as a string, in the
// order given. entry returns the i-th file.
func Dump(n int, entry func(i int) (name string, data []byte)) []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		name, data := entry(i)
		k, _ := json.Marshal(name)
		v, _ := json.Marshal(string(data))
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes()
}
