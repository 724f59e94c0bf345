#!/usr/bin/env python3
"""The site in a real browser: Debian's chromium (headless) through
puppeteer-core renders /ports/1712 in each of the six languages at 1280 and
360 px (screenshots saved in
the build directory's web-artifacts/), fails on console errors, and
axe-core reports 0 violations on the main pages, light and dark.

Usage: test_web_browser.py PORTSCOPE_WEB ARTIFACT_DIR
Skips when chromium, node or tests/web/node_modules (npm ci) are missing.
"""
import os
import shutil
import subprocess
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
from webtest import Server  # noqa: E402

exe, artifacts = sys.argv[1], sys.argv[2]
chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
node = shutil.which("node") or shutil.which("nodejs")
missing = None
if not os.access(chromium, os.X_OK):
    missing = "Debian's chromium is not installed"
elif not node:
    missing = "node is not installed"
elif not os.path.isdir(os.path.join(here, "web", "node_modules", "puppeteer-core")):
    missing = "tests/web/node_modules is missing (npm ci in tests/web)"
if missing:
    print(f"ok 1 - browser tests # SKIP {missing}")
    print("1..1")
    sys.exit(0)

# /ports/1712 in every language (screenshots of each), and the same checks
# on each language's page as on the English one.
LANG_PAGES = [f"/{l}/ports/1712" for l in ("de", "cs", "pt", "el", "ug")]
SHOT = ",".join(["/ports/1712", *LANG_PAGES])
PAGES = ["/", "/ports/1712", "/ports/80", "/ranges", "/notes", "/search?q=exchange",
         "/suggest", "/about", "/nope", *LANG_PAGES, "/ug"]
srv = Server(exe, "--no-access-log")
profile = tempfile.mkdtemp(prefix="portscope-chromium-")
try:
    os.makedirs(artifacts, exist_ok=True)
    env = dict(os.environ, HOME=profile, XDG_CONFIG_HOME=profile, XDG_CACHE_HOME=profile)
    p = subprocess.run([node, os.path.join(here, "web", "browser.mjs"), srv.base, artifacts,
                        SHOT, *PAGES], capture_output=True, text=True, timeout=540, env=env)
    lines = [l for l in p.stdout.splitlines() if l.startswith(("ok ", "not ok ", "#"))]
    for l in lines:
        print(l)
    n = sum(1 for l in lines if l.startswith(("ok ", "not ok ")))
    if p.returncode != 0:
        n += 1
        print(f"not ok {n} - the browser script ran to its end")
        for l in p.stderr.splitlines()[-20:]:
            print(f"#   {l}")
    print(f"1..{n}")
    failed = p.returncode != 0 or any(l.startswith("not ok") for l in lines)
finally:
    srv.stop()
    shutil.rmtree(profile, ignore_errors=True)
sys.exit(1 if failed else 0)
