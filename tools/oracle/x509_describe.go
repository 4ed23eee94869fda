// The x509-describe command: renders a template with Helm (as eval does) and
// describes every PEM block of the output (certificates field by field, keys
// by type and size), and describes the PEM text of the case's `ours` field the
// same way. The conformance test compares the two descriptions, so Go itself
// reads and judges the certificates and keys helm-api made.
package main

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math"
	"math/big"
)

func init() {
	commands["x509-describe"] = x509Describe
}

func x509Describe(base string, raw json.RawMessage) map[string]interface{} {
	var c struct {
		Ours string `json:"ours"`
	}
	decodeCase(raw, &c)
	r := eval(base, raw)
	out := map[string]interface{}{}
	if e, ok := r["error"]; ok {
		out["error"] = e
	} else {
		out["go"] = describePEM(r["output"].(string))
	}
	if c.Ours != "" {
		out["ours"] = describePEM(c.Ours)
	}
	return out
}

var keyUsageNames = []string{"DigitalSignature", "ContentCommitment", "KeyEncipherment", "DataEncipherment", "KeyAgreement", "CertSign", "CRLSign", "EncipherOnly", "DecipherOnly"}

func publicKeyShape(pub interface{}) string {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return fmt.Sprintf("rsa-%d", k.N.BitLen())
	case *ecdsa.PublicKey:
		return "ecdsa-" + k.Curve.Params().Name
	case ed25519.PublicKey:
		return "ed25519"
	}
	return fmt.Sprintf("%T", pub)
}

func describePEM(text string) []interface{} {
	rest := []byte(text)
	var certs []*x509.Certificate
	var blocks []*pem.Block
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		blocks = append(blocks, b)
		if b.Type == "CERTIFICATE" {
			if cert, err := x509.ParseCertificate(b.Bytes); err == nil {
				certs = append(certs, cert)
			}
		}
	}
	out := []interface{}{}
	for _, b := range blocks {
		d := map[string]interface{}{"type": b.Type}
		if b.Type == "CERTIFICATE" {
			describeCert(b, certs, d)
		} else {
			describeKey(b, certs, d)
		}
		out = append(out, d)
	}
	return out
}

func describeCert(b *pem.Block, certs []*x509.Certificate, d map[string]interface{}) {
	cert, err := x509.ParseCertificate(b.Bytes)
	if err != nil {
		d["error"] = err.Error()
		return
	}
	var usages []string
	for i, name := range keyUsageNames {
		if cert.KeyUsage&(1<<i) != 0 {
			usages = append(usages, name)
		}
	}
	var ext []string
	for _, u := range cert.ExtKeyUsage {
		ext = append(ext, fmt.Sprint(u))
	}
	var ips []string
	for _, ip := range cert.IPAddresses {
		ips = append(ips, ip.String())
	}
	var exts []string
	for _, e := range cert.Extensions {
		exts = append(exts, fmt.Sprintf("%v critical=%v", e.Id, e.Critical))
	}
	signer := -1
	for i, p := range certs {
		if cert.CheckSignatureFrom(p) == nil {
			signer = i
			break
		}
	}
	d["version"] = cert.Version
	d["serial_bits_at_most_128"] = cert.SerialNumber.Sign() > 0 && cert.SerialNumber.BitLen() <= 128
	d["signature_algorithm"] = cert.SignatureAlgorithm.String()
	d["public_key"] = publicKeyShape(cert.PublicKey)
	d["issuer"] = cert.Issuer.String()
	d["subject"] = cert.Subject.String()
	d["raw_issuer_equals_raw_subject"] = bytes.Equal(cert.RawIssuer, cert.RawSubject)
	d["validity_days"] = math.Round(cert.NotAfter.Sub(cert.NotBefore).Hours()/24*1000) / 1000
	d["validity_utc"] = cert.NotBefore.Location().String()
	d["is_ca"] = cert.IsCA
	d["basic_constraints_valid"] = cert.BasicConstraintsValid
	d["max_path_len"] = cert.MaxPathLen
	d["key_usage"] = usages
	d["ext_key_usage"] = ext
	d["dns_names"] = cert.DNSNames
	d["ip_addresses"] = ips
	d["subject_key_id_len"] = len(cert.SubjectKeyId)
	d["authority_key_id_len"] = len(cert.AuthorityKeyId)
	d["extensions"] = exts
	d["signed_by_cert"] = signer
}

func describeKey(b *pem.Block, certs []*x509.Certificate, d map[string]interface{}) {
	var key interface{}
	var err error
	switch b.Type {
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(b.Bytes)
	case "EC PRIVATE KEY":
		key, err = x509.ParseECPrivateKey(b.Bytes)
	case "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(b.Bytes)
	case "DSA PRIVATE KEY":
		var k struct {
			Version       int
			P, Q, G, Y, X *big.Int
		}
		if _, err := asn1.Unmarshal(b.Bytes, &k); err != nil {
			d["error"] = err.Error()
			return
		}
		d["dsa_bits"] = fmt.Sprintf("L%d N%d", k.P.BitLen(), k.Q.BitLen())
		d["dsa_public_matches"] = new(big.Int).Exp(k.G, k.X, k.P).Cmp(k.Y) == 0
		return
	default:
		d["der_bytes_nonempty"] = len(b.Bytes) > 0
		return
	}
	if err != nil {
		d["error"] = err.Error()
		return
	}
	d["go_type"] = fmt.Sprintf("%T", key)
	var public interface{}
	switch k := key.(type) {
	case *rsa.PrivateKey:
		public = &k.PublicKey
		d["valid"] = k.Validate() == nil
	case *ecdsa.PrivateKey:
		public = &k.PublicKey
	case ed25519.PrivateKey:
		public = k.Public()
	}
	d["public_key"] = publicKeyShape(public)
	matches := -1
	for i, c := range certs {
		if eq, ok := c.PublicKey.(interface{ Equal(crypto.PublicKey) bool }); ok && eq.Equal(public) {
			matches = i
			break
		}
	}
	d["matches_cert"] = matches
}
