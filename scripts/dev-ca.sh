#!/usr/bin/env bash
# Creates a DEVELOPMENT certificate authority and TLS certificates for the brokers (Mosquitto,
# NATS) and their clients. Never use these in production: the CA key sits unencrypted beside them.
#
#   scripts/dev-ca.sh DIR [SERVER_NAME ...]
#
# Writes into DIR (created): ca.key ca.crt, server.key server.crt (SANs: localhost, 127.0.0.1,
# ::1 and any SERVER_NAME given), client.key client.crt (CN edge-pdm-client, clientAuth), with
# ECDSA P-256 keys (NIST SP 800-186) and SHA-256 signatures. Existing files are overwritten.
set -euo pipefail

if [[ $# -lt 1 || "$1" == "-h" || "$1" == "--help" ]]; then
  sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
command -v openssl >/dev/null || { echo "dev-ca: openssl not found" >&2; exit 1; }

dir="$1"; shift
mkdir -p "$dir"
cd "$dir"
days=825 # the longest validity Apple's TLS policy accepts for server certificates

san="DNS:localhost,IP:127.0.0.1,IP:::1"
for name in "$@"; do
  if [[ "$name" =~ ^[0-9.]+$ || "$name" == *:* ]]; then san+=",IP:$name"; else san+=",DNS:$name"; fi
done

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; chmod 600 "$1"; }

# The CA: self-signed, may sign certificates but no further CAs.
key ca.key
openssl req -x509 -new -key ca.key -sha256 -days "$days" -subj "/O=edge-pdm development/CN=edge-pdm dev CA" \
  -addext "basicConstraints=critical,CA:TRUE,pathlen:0" -addext "keyUsage=critical,keyCertSign,cRLSign" -out ca.crt

# sign NAME SUBJECT EXTENSIONS: a CSR for NAME.key, signed by the CA into NAME.crt.
sign() {
  local name="$1" subj="$2" ext="$3"
  key "$name.key"
  openssl req -new -key "$name.key" -subj "$subj" -out "$name.csr"
  printf '%b' "$ext" > "$name.ext"
  openssl x509 -req -in "$name.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -sha256 -days "$days" -extfile "$name.ext" -out "$name.crt" 2>/dev/null
  rm -f "$name.csr" "$name.ext"
}

sign server "/O=edge-pdm development/CN=localhost" \
  "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=$san\n"
sign client "/O=edge-pdm development/CN=edge-pdm-client" \
  "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n"
rm -f ca.srl

openssl verify -CAfile ca.crt server.crt client.crt >/dev/null
echo "dev-ca: wrote $(pwd)/{ca,server,client}.{key,crt} (server SANs: $san)"
