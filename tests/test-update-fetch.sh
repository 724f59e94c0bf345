#!/usr/bin/env bash
# update --fetch against a local HTTP server on 127.0.0.1: the bundled XML,
# a conditional GET answered 304, a truncated file, a 500, a redirect loop, a
# slow server, a file over the size cap, a closed port (offline); each
# refusal leaves the database as it was.
set -u
PS=$1
XML=$2
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
server=
cleanup() {
        [ -n "$server" ] && kill "$server" 2>/dev/null
        rm -rf "$tmp"
}
trap cleanup EXIT
export XDG_DATA_HOME="$tmp/data"

zcat "$XML" >"$tmp/full.xml"
head -c 100000 "$tmp/full.xml" >"$tmp/trunc.xml"

# The server counts requests per path and logs conditional ones.
python3 - "$tmp" >"$tmp/port" 2>"$tmp/server.log" <<'EOF' &
import http.server, os, sys, time
d = sys.argv[1]
full = open(os.path.join(d, "full.xml"), "rb").read()
trunc = open(os.path.join(d, "trunc.xml"), "rb").read()
ETAG = '"v1"'
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, fmt, *a):
        sys.stderr.write("%s inm=%s ims=%s\n" % (self.path, self.headers.get("If-None-Match"),
                                                  self.headers.get("If-Modified-Since")))
    def send(self, code, body=b"", headers=()):
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def do_GET(self):
        p = self.path
        if p == "/registry.xml":
            if self.headers.get("If-None-Match") == ETAG:
                return self.send(304, b"", [("ETag", ETAG)])
            return self.send(200, full, [("ETag", ETAG),
                                         ("Last-Modified", "Mon, 15 Dec 2025 00:00:00 GMT")])
        if p == "/trunc.xml":
            return self.send(200, trunc)
        if p == "/short.xml":
            # Content-Length promises the whole file; the connection ends early.
            self.send_response(200)
            self.send_header("Content-Length", str(len(full)))
            self.end_headers()
            self.wfile.write(full[:50000])
            self.wfile.flush()
            self.close_connection = True
            return
        if p == "/error":
            return self.send(500, b"oops")
        if p.startswith("/loop"):
            return self.send(302, b"", [("Location", "/loop" + str(len(p)))])
        if p == "/slow":
            time.sleep(5)
            return self.send(200, full)
        if p == "/huge":
            self.send_response(200)
            self.send_header("Content-Length", str(80 << 20))
            self.end_headers()
            return
        return self.send(404, b"no")
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
EOF
server=$!
for _ in $(seq 1 100); do
        [ -s "$tmp/port" ] && break
        sleep 0.1
done
port=$(cat "$tmp/port")
base="http://127.0.0.1:$port"
check "test server on 127.0.0.1:$port" "$([ -n "$port" ]; echo $?)"

run() { # run ARGS...: sets out, err, rc
        "$PS" "$@" >"$tmp/out" 2>"$tmp/err"
        rc=$?
        out=$(cat "$tmp/out")
        err=$(cat "$tmp/err")
}
db=$tmp/data/portscope/registry.db

run update --fetch "$base/registry.xml"
[ "$rc" -eq 0 ] && grep -q "^Updated $db" "$tmp/out" && grep -q '14[0-9][0-9][0-9] records' "$tmp/out"
check "update --fetch URL: downloaded, validated, installed" $?
[ "$rc" -eq 0 ] || diag "$err"
grep -q '^etag "v1"$' "$db.fetch" && grep -q "^url $base/registry.xml$" "$db.fetch" &&
        grep -q '^last-modified Mon, 15 Dec 2025' "$db.fetch"
check "the validators are kept beside the database ($db.fetch)" $?
run info --json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["storage"]=="file" and d["compiled_from"]=="IANA XML, registry.xml", d' "$tmp/out"
check "info: the fetched registry is in use, named by the file its URL names" $?
cp "$db" "$tmp/before.db"

run update --fetch "$base/registry.xml"
[ "$rc" -eq 0 ] && grep -q '^Up to date' "$tmp/out" && cmp -s "$db" "$tmp/before.db"
check "a second fetch: If-None-Match, 304, the database untouched" $?
grep -q '^/registry.xml inm="v1" ims=Mon, 15 Dec 2025' "$tmp/server.log"
check "the second request carried If-None-Match and If-Modified-Since" $?
run --json update --fetch "$base/registry.xml"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["not_modified"] is True, d' "$tmp/out"
check "update --fetch --json: not_modified true" $?
cp "$tmp/out" "$tmp/not-modified.json"
# A database with no validators beside it: a full download, as JSON.
run --db "$tmp/other.db" --json update --fetch "$base/registry.xml"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["not_modified"] is False and d["records_total"] > 14000, d' "$tmp/out"
check "update --fetch --json to a new database: installed, not_modified false" $?
# Both documents against update.schema.json (docs/json.md); tests/test_json_schema.py
# counts on this test for update --fetch, which needs a server.
if python3 -c 'import jsonschema, referencing' 2>/dev/null; then
        python3 - "$(dirname "$0")/../docs/schema" "$tmp/not-modified.json" "$tmp/out" <<'PY'
import json, os, sys
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
root = sys.argv[1]
res = []
for f in os.listdir(root):
    if f.endswith(".schema.json"):
        s = json.load(open(os.path.join(root, f)))
        res.append((s["$id"], Resource.from_contents(s)))
v = Draft202012Validator(json.load(open(os.path.join(root, "update.schema.json"))),
                         registry=Registry().with_resources(res))
errs = [e.message for p in sys.argv[2:] for e in v.iter_errors(json.load(open(p)))]
print("\n".join("# " + e[:200] for e in errs[:5]))
sys.exit(1 if errs else 0)
PY
        check "update --fetch --json: both documents follow update.schema.json" $?
else
        skip "update --fetch --json against update.schema.json: no python3-jsonschema"
fi

# expect_refused LABEL PATTERN STATUS URL: one line, the status, database unchanged.
expect_refused() {
        run update --timeout 2 --fetch "$4"
        [ "$rc" -eq "$3" ] && [ -z "$out" ] && [ "$(printf '%s' "$err" | grep -c '')" -eq 1 ] &&
                printf '%s' "$err" | grep -qE "$2" && cmp -s "$db" "$tmp/before.db" &&
                ! ls "$tmp/data/portscope/" | grep -q download
        check "update --fetch $1: exit $3, one line, the database unchanged" $?
        [ "$rc" -eq "$3" ] || diag "rc=$rc err=$err"
}
expect_refused "a truncated file" 'trunc.xml: line [0-9]+' 2 "$base/trunc.xml"
expect_refused "a transfer cut short" 'ended early' 3 "$base/short.xml"
expect_refused "HTTP 500" 'answered HTTP 500' 2 "$base/error"
expect_refused "a redirect loop" 'more than 5 redirects' 2 "$base/loop"
expect_refused "a slow server" 'no complete answer within 2 s' 3 "$base/slow"
expect_refused "a file over the size cap" 'larger than 67108864 bytes' 2 "$base/huge"
# A closed port on loopback is what "offline" looks like without leaving 127.0.0.0/8.
python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' >"$tmp/closed"
expect_refused "a server that is not there" 'cannot reach 127.0.0.1 .*offline\? Download the file and run portscope update FILE' 3 "http://127.0.0.1:$(cat "$tmp/closed")/x.xml"
run update --fetch "ftp://127.0.0.1/x.xml"
[ "$rc" -eq 2 ] && grep -q 'expected an http or https URL' "$tmp/err"
check "update --fetch ftp://: exit 2" $?
run update --fetch a b
[ "$rc" -eq 2 ] && grep -q 'at most one URL' "$tmp/err"
check "update --fetch with two URLs: exit 2" $?
run update --timeout 0 --fetch "$base/registry.xml"
[ "$rc" -eq 2 ] && grep -q 'seconds from 1 to 3600' "$tmp/err"
check "--timeout 0: exit 2" $?

# TLS verification is on: an https server with a self-signed certificate is refused.
if command -v openssl >/dev/null; then
        openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/key.pem" -out "$tmp/cert.pem" \
                -days 1 -subj /CN=127.0.0.1 >/dev/null 2>&1
        python3 - "$tmp" >"$tmp/tlsport" 2>/dev/null <<'EOF' &
import http.server, ssl, sys
d = sys.argv[1]
s = http.server.HTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(d + "/cert.pem", d + "/key.pem")
s.socket = ctx.wrap_socket(s.socket, server_side=True)
print(s.server_address[1], flush=True)
s.serve_forever()
EOF
        tls=$!
        for _ in $(seq 1 100); do
                [ -s "$tmp/tlsport" ] && break
                sleep 0.1
        done
        expect_refused "https with an untrusted certificate" 'TLS failed' 3 "https://127.0.0.1:$(cat "$tmp/tlsport")/full.xml"
        kill "$tls"
else
        skip "openssl not installed"
fi

done_testing
