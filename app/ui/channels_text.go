package ui

import (
	"errors"
	"strings"

	"zhanggui/pos"
)

// channelMessage puts an error of the channels screen into the owner's
// words: every field problem of a *pos.ChannelError, the fault of a failed
// test connection, a key file that does not belong to the database. The
// rest goes to cashierMessage.
func channelMessage(err error) string {
	var ce *pos.ChannelError
	var conn *pos.ConnectionError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &ce):
		parts := make([]string, len(ce.Problems))
		for i, p := range ce.Problems {
			parts[i] = Tf("%s: %s", fieldLabel(p.Field), problemText(ce.Provider, p))
		}
		return strings.Join(parts, T("; "))
	case errors.As(err, &conn):
		msg := connectionText(conn.Fault)
		if conn.Said != "" {
			msg += " " + Tf("(provider's code: %s)", conn.Said)
		}
		return msg
	case errors.Is(err, pos.ErrWrongSecretKey):
		return T("The saved keys were encrypted with another key file than this till's secret.key. Restore the secret.key that belongs to this database, or forget the saved keys and import them again.")
	case errors.Is(err, pos.ErrSecretDamaged):
		return T("A saved key is damaged or was changed outside Zhanggui. Import it again.")
	}
	return cashierMessage(err)
}

func connectionText(f pos.Fault) string {
	switch f {
	case pos.FaultUnreachable:
		return T("Cannot reach the gateway. Check the gateway address and the network.")
	case pos.FaultRefused:
		return T("The provider refused the request. Check the IDs and the till's private key or API key (the public key registered with the provider must match it).")
	case pos.FaultUntrusted:
		return T("The answer's signature does not verify. Check the provider's public key or the signing key, and that the gateway address is the provider's.")
	case pos.FaultNotGateway:
		return T("Something answered at the gateway address, but not the payment provider. Check the address.")
	case pos.FaultBusy:
		return T("The provider is busy. Try again in a minute.")
	}
	return T("The connection test failed. The details are in the log.")
}

// problemText says what is wrong with one field.
func problemText(p pos.Provider, fp pos.FieldProblem) string {
	switch fp.Problem {
	case pos.ProblemMissing:
		return T("is required")
	case pos.ProblemFormat:
		return Tf("should be %s", formatHint(p, fp.Field))
	case pos.ProblemKeyKind:
		return T("is not a usable key file of this kind (PEM, RSA, without a password)")
	case pos.ProblemInsecure:
		return T("must start with https:// (http:// only for the simulator on this computer)")
	case pos.ProblemRange:
		return T("must be 1 to 60 seconds (empty: 10 seconds)")
	case pos.ProblemChoice:
		if fp.Field == "WeChatAPI" {
			return T("choose v2 or v3")
		}
		return T("is not one of the choices")
	case pos.ProblemUnexpected:
		return T("is not used by this channel")
	case pos.ProblemMismatch:
		if fp.Field == "Serial" {
			return T("does not match the merchant certificate (leave it empty to read it from the certificate)")
		}
		return T("does not belong with the merchant private key")
	}
	return T("is not accepted")
}

// formatHint is the form a field's value takes.
func formatHint(p pos.Provider, name string) string {
	switch name {
	case "AppID":
		if p == pos.Wechat {
			return T("wx and 16 letters or digits")
		}
		return T("16 digits")
	case "MchID":
		return T("8 to 10 digits")
	case "MerchantID":
		return T("15 digits")
	case "Serial":
		return T("8 to 40 hexadecimal digits")
	case "PublicKeyID":
		return T("PUB_KEY_ID_… or the platform certificate's serial number")
	case "Gateway":
		return T("an address such as https://host/path")
	case "Timeout":
		return T("whole seconds")
	case pos.SecretWechatAPIv2Key:
		return T("32 letters or digits")
	case pos.SecretAcquirerHMACKey:
		return T("64 hexadecimal digits")
	}
	return T("the file the provider gave you")
}

// fieldLabels name the ChannelConfig fields and keys on screen, in
// English; fieldLabel translates them (TestChannelMessagesComplete checks
// each has Chinese).
var fieldLabels = map[string]string{
	"AppID":                     "App ID",
	"MchID":                     "Merchant number (mch_id)",
	"MerchantID":                "Acquirer merchant number",
	"Serial":                    "Merchant certificate serial number",
	"PublicKeyID":               "WeChat Pay public key ID",
	"WeChatAPI":                 "API version",
	"Gateway":                   "Gateway address",
	"Timeout":                   "Timeout (seconds)",
	"Provider":                  "Channel",
	pos.SecretAlipayAppKey:      "App private key",
	pos.CertAlipayPublicKey:     "Alipay public key",
	pos.SecretWechatAPIv2Key:    "APIv2 key",
	pos.SecretWechatMerchantKey: "Merchant API private key (apiclient_key.pem)",
	pos.CertWechatMerchant:      "Merchant API certificate (apiclient_cert.pem)",
	pos.CertWechatPayPublicKey:  "WeChat Pay public key or platform certificate",
	pos.SecretAcquirerHMACKey:   "Signing key (HMAC)",
}

// fieldLabel names a ChannelConfig field or key on screen.
func fieldLabel(name string) string {
	if l, ok := fieldLabels[name]; ok {
		return T(l)
	}
	return name
}

func channelTitle(p pos.Provider) string {
	switch p {
	case pos.Alipay:
		return T("Alipay")
	case pos.Wechat:
		return T("WeChat Pay")
	}
	return T("UnionPay · e-CNY")
}

// placeholder hints what goes in an empty entry.
func placeholder(p pos.Provider, name string) string {
	switch {
	case name == "Gateway" && p == pos.UnionPay:
		return T("the address the acquirer gave you")
	case name == "Gateway":
		return T("empty: the provider's production gateway")
	case name == "Timeout":
		return T("empty: 10 seconds")
	case name == "Serial":
		return T("empty: read from the merchant certificate")
	}
	return formatHint(p, name)
}
