#!/usr/bin/env bash
# Follow the README's production section word for word, in a temporary directory: run its fenced
# blocks `production-install`, `production-serve` (in the background, on a free loopback port) and
# `production-backup`, then log in over HTTP as the superuser the install created (through
# X-Forwarded-Proto: https, as the reverse proxy of the README sends it) and open staff pages.
# The README is the one source of the commands; this script only supplies the answers an
# operator would type (the host name, the admin password) and checks the result.
# Usage: deploy/production-smoke.sh   (needs `anju` on PATH, or .venv/bin/anju in the checkout)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
command -v anju >/dev/null || export PATH="$repo/.venv/bin:$PATH"

block() {  # the body of the ```bash fence that follows the line <!-- $1 --> in README.md
  awk -v mark="<!-- $1 -->" '$0 == mark {found = 1; next}
    found && !body && /^```bash$/ {body = 1; next}
    body && /^```$/ {exit}
    body {print}' "$repo/README.md"
}

work=$(mktemp -d)
server=""
cleanup() {
  if [ -n "$server" ]; then kill -TERM -- "-$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
for name in production-install production-serve production-backup; do
  block "$name" > "$work/$name.sh"
  [ -s "$work/$name.sh" ] || { echo "README.md: no \`\`\`bash block after <!-- $name -->"; exit 1; }
done

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# A real host name, as production has (check --deploy refuses local-only hosts); requests carry it.
export ANJU_HOME="$work/anju" ANJU_HOST=anju.test ANJU_BIND="127.0.0.1:$port"
password=$(python3 -c 'import secrets; print(secrets.token_urlsafe(18))')

echo "== production-install"
(cd "$work" && echo "$password" | bash -euo pipefail "$work/production-install.sh")

echo "== production-serve on $ANJU_BIND"
setsid bash -euo pipefail "$work/production-serve.sh" > "$work/serve.log" 2>&1 < /dev/null &
server=$!

echo "== login as admin over HTTP (X-Forwarded-Proto: https)"
PORT=$port PASSWORD=$password SERVE_LOG="$work/serve.log" python3 - <<'PY'
import http.client, os, re, sys, time
from urllib.parse import urlencode

port, password = int(os.environ["PORT"]), os.environ["PASSWORD"]
origin = "https://anju.test"
deadline = time.monotonic() + 120
while True:
    try:
        http.client.HTTPConnection("127.0.0.1", port, timeout=10).request("HEAD", "/")
        break
    except OSError:
        if time.monotonic() > deadline:
            sys.exit("the server did not answer within 120 s:\n" + open(os.environ["SERVE_LOG"]).read()[-3000:])
        time.sleep(0.5)
cookies = {}

def call(method, path, body=None, proxied=True):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Host": "anju.test", "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
    if proxied:
        headers |= {"X-Forwarded-Proto": "https", "Origin": origin, "Referer": origin + path}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=urlencode(body) if body else None, headers=headers)
    response = conn.getresponse()
    for name, value in response.getheaders():
        if name.lower() == "set-cookie":
            key, _, rest = value.partition("=")
            cookies[key] = rest.split(";", 1)[0]
    return response.status, response.getheader("Location", ""), response.read().decode("utf-8", "replace")

status, location, _ = call("GET", "/accounts/login/", proxied=False)
assert status == 301 and location.startswith("https://"), ("plain HTTP must redirect to HTTPS", status, location)
status, _, page = call("GET", "/accounts/login/")
assert status == 200 and "csrftoken" in cookies, status
static = re.search(r'(?:href|src)="(/static/[^"]+)"', page)
assert static, "the login page links no static file"
assert call("GET", static.group(1))[0] == 200, ("static file not served", static.group(1))
status, location, _ = call("POST", "/accounts/login/", {"username": "admin", "password": password,
                                                        "csrfmiddlewaretoken": cookies["csrftoken"]})
assert status == 302 and "sessionid" in cookies, ("login failed", status, location)
for path in ("/roster/", "/admin/"):
    status, _, _ = call("GET", path)
    assert status == 200, (path, status)
print(f"OK: logged in as admin; /roster/ and /admin/ answer 200; {static.group(1)} is served")
PY

echo "== production-backup (while serving)"
bash -euo pipefail "$work/production-backup.sh"
echo "OK: production install, serve, login and backup as the README says"
