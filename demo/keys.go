package demo

import (
	"crypto/ecdh"
	"crypto/ed25519"
	"crypto/rsa"
	"encoding/base64"
	"fmt"
	"math/big"
	"math/rand/v2"
	"strings"

	"golang.org/x/crypto/ssh"
)

// randomBytes fills n bytes from the seeded generator.
func randomBytes(r *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// wgKey returns a WireGuard public key: the X25519 public key of a private
// key drawn from r, as wg pubkey would print it.
func wgKey(r *rand.Rand) string {
	priv, err := ecdh.X25519().NewPrivateKey(randomBytes(r, 32))
	if err != nil {
		panic("demo: x25519 key: " + err.Error()) // any 32 bytes are a key
	}
	return base64.StdEncoding.EncodeToString(priv.PublicKey().Bytes())
}

// ed25519Key returns an OpenSSH ed25519 public key line.
func ed25519Key(r *rand.Rand, comment string) string {
	priv := ed25519.NewKeyFromSeed(randomBytes(r, ed25519.SeedSize))
	return authorizedKey(priv.Public(), comment)
}

// rsaKey returns an OpenSSH RSA public key line with a 2048-bit modulus
// made of two primes drawn from r. crypto/rsa ignores a caller's random
// source, so the primes are searched for here to keep the output
// reproducible from the seed.
func rsaKey(r *rand.Rand, comment string) string {
	p, q := prime(r, 1024), prime(r, 1024)
	n := new(big.Int).Mul(p, q)
	return authorizedKey(&rsa.PublicKey{N: n, E: 65537}, comment)
}

// prime returns the first probable prime at or after a random odd number
// of the given size with its top two bits set.
func prime(r *rand.Rand, bits int) *big.Int {
	b := randomBytes(r, bits/8)
	b[0] |= 0xc0
	b[len(b)-1] |= 1
	n := new(big.Int).SetBytes(b)
	two := big.NewInt(2)
	for !n.ProbablyPrime(0) {
		n.Add(n, two)
	}
	return n
}

func authorizedKey(pub any, comment string) string {
	key, err := ssh.NewPublicKey(pub)
	if err != nil {
		panic(fmt.Sprintf("demo: ssh key: %v", err))
	}
	line := strings.TrimSuffix(string(ssh.MarshalAuthorizedKey(key)), "\n")
	return line + " " + comment
}
