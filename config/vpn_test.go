package config

import (
	"errors"
	"strings"
	"testing"
)

const (
	testPrivateKey = "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk="
	testPublicKey  = "xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg="
)

func vpnConfig(tb testing.TB, override string) string {
	tb.Helper()
	fields := map[string]string{
		"vpn_private_key":      `"` + testPrivateKey + `"`,
		"vpn_port":             `51820`,
		"vpn_admin_ip":         `"192.168.11.2"`,
		"vpn_admin_public_key": `"` + testPublicKey + `"`,
	}
	name, value, _ := strings.Cut(override, "=")
	if name != "" {
		fields[name] = value
	}
	var parts []string
	for k, v := range fields {
		if v != "" {
			parts = append(parts, `"`+k+`":`+v)
		}
	}
	return "{" + strings.Join(parts, ",") + "}"
}

func TestCheckVPN(t *testing.T) {
	tests := []struct {
		name      string
		override  string // field=json value; an empty value leaves the field out
		wantField string
	}{
		{name: "valid"},
		{name: "43-character admin key", override: `vpn_admin_public_key="xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg"`},
		{name: "private key missing", override: "vpn_private_key=", wantField: "vpn_private_key"},
		{name: "private key empty", override: `vpn_private_key=""`, wantField: "vpn_private_key"},
		{name: "private key without =", override: `vpn_private_key="yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk"`, wantField: "vpn_private_key"},
		{name: "private key bad padding bits", override: `vpn_private_key="yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmn="`, wantField: "vpn_private_key"},
		{name: "private key with newline", override: `vpn_private_key="` + testPrivateKey + `\n"`, wantField: "vpn_private_key"},
		{name: "port missing", override: "vpn_port=", wantField: "vpn_port"},
		{name: "port zero", override: "vpn_port=0", wantField: "vpn_port"},
		{name: "port too big", override: "vpn_port=65536", wantField: "vpn_port"},
		{name: "port highest", override: "vpn_port=65535"},
		{name: "admin ip missing", override: "vpn_admin_ip=", wantField: "vpn_admin_ip"},
		{name: "admin ip gateway", override: `vpn_admin_ip="192.168.11.1"`, wantField: "vpn_admin_ip"},
		{name: "admin ip 251", override: `vpn_admin_ip="192.168.11.251"`, wantField: "vpn_admin_ip"},
		{name: "admin ip leading zero", override: `vpn_admin_ip="192.168.11.02"`, wantField: "vpn_admin_ip"},
		{name: "admin ip other net", override: `vpn_admin_ip="10.0.0.2"`, wantField: "vpn_admin_ip"},
		{name: "admin ip highest", override: `vpn_admin_ip="192.168.11.250"`},
		{name: "admin key missing", override: "vpn_admin_public_key=", wantField: "vpn_admin_public_key"},
		{name: "admin key short", override: `vpn_admin_public_key="xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8D="`, wantField: "vpn_admin_public_key"},
		{name: "admin key bad char", override: `vpn_admin_public_key="xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8D-="`, wantField: "vpn_admin_public_key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse([]byte(vpnConfig(t, tt.override)))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			err = c.CheckVPN()
			if tt.wantField == "" {
				if err != nil {
					t.Fatalf("CheckVPN() = %v, want nil", err)
				}
				return
			}
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != tt.wantField {
				t.Fatalf("CheckVPN() = %v, want a FieldError for %s", err, tt.wantField)
			}
			if strings.Contains(err.Error(), "yAnz5TF") {
				t.Errorf("CheckVPN() = %q: the message quotes the private key", err)
			}
		})
	}
}

func TestCheckVPNDefaults(t *testing.T) {
	c, err := Parse([]byte(vpnConfig(t, "")))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if c.VPNConfigPath != "/etc/wireguard/wg0.conf" || c.VPNReloadCommand != "service wg-quick@wg0 reload" {
		t.Errorf("defaults = %q, %q", c.VPNConfigPath, c.VPNReloadCommand)
	}
}
