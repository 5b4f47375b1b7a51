package model

import "testing"

func TestParseWGKey(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		wantErr bool
	}{
		{name: "44 characters", in: "JyEM58uRhhF7U3qKmSEVLidhFb3vZiD6tQHxGnSZsUY="},
		{name: "43 characters", in: "JyEM58uRhhF7U3qKmSEVLidhFb3vZiD6tQHxGnSZsUY"},
		{name: "nonzero padding bits", in: "JyEM58uRhhF7U3qKmSEVLidhFb3vZiD6tQHxGnSZsUZ=", wantErr: true},
		{name: "too short", in: "JyEM58uRhhF7U3qKmSEVLidhFb3vZiD6tQHxGnSZsU=", wantErr: true},
		{name: "newline", in: "JyEM58uRhhF7U3qKmSEVLidhFb3vZiD6tQHxGnSZsUY=\n", wantErr: true},
		{name: "empty", in: "", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := ParseWGKey(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseWGKey(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			}
			if err == nil && len(b) != 32 {
				t.Errorf("ParseWGKey(%q) = %d bytes, want 32", tt.in, len(b))
			}
		})
	}
}

func TestCheckVPNIP(t *testing.T) {
	tests := []struct {
		in      string
		wantErr bool
	}{
		{"192.168.11.2", false},
		{"192.168.11.250", false},
		{"192.168.11.1", true},
		{"192.168.11.251", true},
		{"192.168.11.02", true},
		{"192.168.12.2", true},
		{"192.168.11.2\n", true},
	}
	for _, tt := range tests {
		if err := CheckVPNIP(tt.in); (err != nil) != tt.wantErr {
			t.Errorf("CheckVPNIP(%q) = %v, wantErr %v", tt.in, err, tt.wantErr)
		}
	}
}
