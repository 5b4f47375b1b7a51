package config

import "github.com/xecut/resident/model"

// CheckVPN checks the fields update-vpn needs: the four required ones are
// present and well formed. It returns a *FieldError naming the first bad
// field. No message ever quotes vpn_private_key.
func (c *Config) CheckVPN() error {
	err := c.Require("vpn_private_key", "vpn_port", "vpn_admin_ip", "vpn_admin_public_key")
	if err != nil {
		return err
	}
	if !validPrivateKey(c.VPNPrivateKey) {
		return &FieldError{Field: "vpn_private_key",
			Msg: "must be a WireGuard private key as `wg genkey` prints it: 43 base64 characters and a final ="}
	}
	if c.VPNPort < 1 || c.VPNPort > 65535 {
		return &FieldError{Field: "vpn_port", Msg: "must be a UDP port from 1 to 65535"}
	}
	if err := model.CheckVPNIP(c.VPNAdminIP); err != nil {
		return &FieldError{Field: "vpn_admin_ip", Msg: err.Error()}
	}
	if _, err := model.ParseWGKey(c.VPNAdminPublicKey); err != nil {
		return &FieldError{Field: "vpn_admin_public_key", Msg: err.Error()}
	}
	return nil
}

// validPrivateKey reports whether s is a key wg reads. It returns only a
// bool so that no error text built from the secret can escape.
func validPrivateKey(s string) bool {
	if len(s) != 44 || s[43] != '=' {
		return false
	}
	_, err := model.ParseWGKey(s)
	return err == nil
}
