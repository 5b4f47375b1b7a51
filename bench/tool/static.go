package main

import (
	"crypto/subtle"
	"flag"
	"net/http"
	"os"
	"strconv"
)

// runStatic serves one file at /accounts with nothing but Go's net/http,
// behind the same bearer check: the floor any Go server, resident
// included, stands on, to tell resident's own cost per request from the
// standard library's. It serves until killed.
func runStatic(args []string) error {
	fs := flag.NewFlagSet("static", flag.ExitOnError)
	file := fs.String("file", "", "the file to serve")
	listen := fs.String("listen", "127.0.0.1:0", "address")
	key := fs.String("key", "", "bearer key")
	fs.Parse(args)
	body, err := os.ReadFile(*file)
	if err != nil {
		return err
	}
	want := []byte("Bearer " + *key)
	size := strconv.Itoa(len(body))
	return http.ListenAndServe(*listen, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/accounts" {
			http.NotFound(w, r)
			return
		}
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), want) != 1 {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", size)
		w.Write(body)
	}))
}
