#!/usr/bin/env python3
"""The site in six languages, against a real portscope-web server: /LL/
pages in their language (<html lang>, canonical, reciprocal hreflang plus
x-default, the switcher, links kept in the language's tree, well-formed
HTML, every internal link answering 200), Uyghur right to left with its
port numbers isolated, the translated seed notes, an untranslated note
shown in English and said so, dates in the language's form, the neutral
root's Accept-Language redirect (RFC 4647 lookup, Vary, explicit choices
kept), the sitemap and the static export's language trees.

Usage: test_web_i18n.py PORTSCOPE_WEB SOURCE_ROOT
"""
import os
import re
import subprocess
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
from webtest import Server, Tap, broken_links, check_well_formed, links  # noqa: E402

try:
    import html5lib
except ImportError:
    html5lib = None

exe, src = sys.argv[1], sys.argv[2]
t = Tap()
LANGS = ["en", "de", "cs", "pt", "el", "ug"]
SEEDS = {1712: "1712-exchange-static-mapi", 1322: "1322-novation-exchange-store",
         912: "912-apex-mesh", 1647: "1647-rsap-unknown", 817: "817-unassigned-netinfo-range"}


def prefix(lang):
    return "" if lang == "en" else f"/{lang}"


def l10n_title(lang, slug):
    with open(os.path.join(src, "data", "notes", "l10n", lang, slug + ".md"),
              encoding="utf-8") as f:
        for line in f:
            if line.startswith("title: "):
                return line[7:].strip()
    return None


def escape(s):
    return (s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&#39;"))


def alternates(page):
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', page))


def unisolated_digits(body):
    """Text nodes of <body> with digits outside <bdi> or a dir="ltr" element."""
    doc = html5lib.parse(body, namespaceHTMLElements=False)
    bad = []

    def walk(el, isolated):
        iso = isolated or el.tag == "bdi" or el.get("dir") == "ltr"
        if el.tag in ("title", "script", "style"):
            return
        if el.text and re.search(r"[0-9]", el.text) and not iso:
            bad.append(el.text.strip()[:60])
        for child in el:
            walk(child, iso)
            if child.tail and re.search(r"[0-9]", child.tail) and not iso:
                bad.append(child.tail.strip()[:60])

    walk(doc.find("body"), False)
    return bad


srv = Server(exe, "--no-access-log", "--no-votes")
try:
    # Each language's /ports/1712.
    pages = {}
    for lang in LANGS:
        path = f"{prefix(lang)}/ports/1712"
        st, h, body = srv.get(path)
        page = body.decode()
        pages[lang] = page
        rtl = ' dir="rtl"' if lang == "ug" else ""
        t.ok(st == 200 and f'<html lang="{lang}"{rtl}>' in page,
             f"{path}: 200, <html lang=\"{lang}\"{rtl}>")
        t.ok(f'<link rel="canonical" href="{srv.base}{path}">' in page,
             f"{path}: canonical link to itself")
        alt = alternates(page)
        want = {l: f"{srv.base}{prefix(l)}/ports/1712" for l in LANGS}
        want["x-default"] = f"{srv.base}/ports/1712"
        t.ok(alt == want, f"{path}: hreflang for all six languages and x-default", alt)
        t.ok(f'hreflang="{lang}" lang="{lang}" href="{path}"' in page and
             page.count('<li><a hreflang="') == 6 and 'aria-current="page">' in page,
             f"{path}: the language switcher names all six, this one current")
        check_well_formed(t, body, path)
        # Links stay in the language's tree, except the language-neutral
        # resources and the switcher's other languages.
        own = [l for l in links(page) if not re.match(r"/(api|static)/|/sitemap\.xml", l)]
        switch = {f"{prefix(l)}/ports/1712" for l in LANGS}
        stray = [l for l in own if l not in switch and lang != "en" and
                 not (l == prefix(lang) or l.startswith(prefix(lang) + "/"))]
        t.ok(not stray, f"{path}: internal links stay in the {lang} tree", stray)

    # Reciprocity: every alternate names the others, including this page.
    recip = all(alternates(p) == alternates(pages["en"]) for p in pages.values())
    t.ok(recip, "the six pages' hreflang sets are the same (reciprocal)")

    # Every internal link of the six pages answers 200.
    bad, n = broken_links(srv, pages.values())
    t.ok(not bad, f"every internal link of the six pages answers 200 ({n})", bad)

    # Uyghur: right to left, port numbers and other left-to-right runs isolated.
    ug = pages["ug"]
    t.ok(re.search(r'<h1><bdi dir="ltr">1712</bdi>', ug) is not None,
         "/ug/ports/1712: the heading's port number is isolated")
    if html5lib:
        bad = unisolated_digits(ug.encode())
        t.ok(not bad, "/ug/ports/1712: every number in the text is in <bdi> or dir=\"ltr\"", bad)
    else:
        t.skip("/ug/ports/1712: numbers isolated", "python3-html5lib is not installed")
    t.ok('<code><bdi dir="ltr">' in ug or '<pre><code><bdi dir="ltr">' in ug,
         "/ug/ports/1712: commands are isolated left to right")

    # The translated seed notes, in each language, not marked as English.
    missing = []
    for lang in LANGS[1:]:
        for port, slug in SEEDS.items():
            st, _, body = srv.get(f"/{lang}/ports/{port}")
            # Uyghur pages isolate the Latin words inside a title.
            page = re.sub(r'<bdi dir="ltr">|</bdi>', "", body.decode())
            title = l10n_title(lang, slug)
            m = re.search(r'<article class="note" id="note-%s">\s*<h3([^>]*)>' % slug, page)
            if st != 200 or not title or escape(title) not in page or not m or "lang=" in m.group(1):
                missing.append(f"/{lang}/ports/{port}: {slug}")
    t.ok(not missing, "the five seed notes are shown translated in all five languages", missing)

    # A note without a translation (Redis: not among the 50 ports whose notes are
    # translated): English, marked, and said so in German.
    st, _, body = srv.get("/de/ports/6379")
    page = body.decode()
    t.ok(st == 200 and '<h3 lang="en">' in page and '<div class="body" lang="en">' in page and
         "Diese Notiz ist noch nicht übersetzt" in page,
         "/de/ports/6379: an untranslated note is English, lang=\"en\", and the page says so")
    st, _, body = srv.get("/ug/ports/6379")
    t.ok('<h3 lang="en" dir="ltr">' in body.decode(),
         "/ug/ports/6379: an English note on a right-to-left page runs left to right")

    # Dates as each language writes them (the registry's date in the footer).
    st, _, body = srv.get("/ports/1712")
    m = re.search(r"(\d{4})-(\d{2})-(\d{2})", body.decode().split("<footer")[1])
    y, mo, d = m.groups() if m else ("", "", "")
    forms = {"de": f"{d}.{mo}.{y}", "cs": f"{int(d or 0)}. {int(mo or 0)}. {y}",
             "pt": f"{d}/{mo}/{y}", "el": f"{d}/{mo}/{y}"}
    wrong = [l for l, f in forms.items() if f not in pages[l].split("<footer")[1]]
    t.ok(m and not wrong, "dates in each language's form (de 15.12.2025, cs 15. 12. 2025, ...)",
         wrong)

    # Numbers as each language writes them: the registrations per range on /ranges
    # (thousands: de 12.345, cs and pt 12 345 with a no-break space, el 12.345, ug 12,345).
    st, _, body = srv.get("/ranges")
    counts = [int(n) for n in re.findall(r"(\d+) registrations in this range", body.decode())]
    big = [n for n in counts if n >= 10000]
    seps = {"de": ".", "cs": "\u00a0", "pt": "\u00a0", "el": ".", "ug": ","}
    wrong = []
    for lang, sep in seps.items():
        st, _, page = srv.get(f"/{lang}/ranges")
        page = page.decode()
        for n in big:
            if f"{n:,}".replace(",", sep) not in page:
                wrong.append((lang, n))
    t.ok(st == 200 and big and not wrong,
         "/LL/ranges: registration counts grouped as each language writes them", wrong or counts)

    # The vote form posts to the page's language.
    t.ok('action="/de/ports/1712/vote"' in pages["de"], "the German vote form posts in /de/")

    # The neutral root: RFC 4647 lookup over Accept-Language.
    cases = [
        (None, 200, None), ("de", 302, "/de"), ("DE-de", 302, "/de"),
        ("de-CH-1996", 302, "/de"), ("en;q=0.9, cs;q=1", 302, "/cs"),
        ("fr;q=1, el;q=0.5, de;q=0.4", 302, "/el"), ("de;q=0, pt;q=0.1", 302, "/pt"),
        ("pt-BR", 302, "/pt"), ("ug-CN, en;q=0.5", 302, "/ug"), ("en-US, de;q=0.8", 200, None),
        ("*", 200, None), ("fr, *;q=0.5", 200, None), ("ja, zh-Hant-TW", 200, None),
        ("de;q=2, x", 200, None), ("x-klingon, cs;q=0.001", 302, "/cs"),
    ]
    wrong = []
    for al, want, loc in cases:
        st, h, _ = srv.get("/", {"Accept-Language": al} if al is not None else {})
        vary = h.get("vary", "")
        if st != want or h.get("location") != loc or "Accept-Language" not in vary:
            wrong.append((al, st, h.get("location"), vary))
    t.ok(not wrong, f"/ redirects by Accept-Language, with Vary ({len(cases)} cases)", wrong)
    st, h, body = srv.get("/?lang=en", {"Accept-Language": "de"})
    t.ok(st == 200 and b'<html lang="en">' in body, "/?lang=en is English whatever the browser asks")
    st, h, _ = srv.get("/?lang=el", {"Accept-Language": "de"})
    t.ok(st == 302 and h.get("location") == "/el", "/?lang=el goes to /el")
    st, _, _ = srv.get("/?lang=fr")
    t.ok(st == 400, "/?lang=fr: 400, not a language of the site")
    st, h, body = srv.get("/de/ports/1712", {"Accept-Language": "cs"})
    t.ok(st == 200 and b'<html lang="de">' in body, "/de/... stays German whatever the browser asks")
    st, h, body = srv.get("/ports/1712", {"Accept-Language": "cs"})
    t.ok(st == 200 and b'<html lang="en">' in body, "/ports/1712 stays English")
    for path, want in [("/de/", 301), ("/en/ports/1712", 404), ("/de/api/v1", 404),
                       ("/de/static/style.css", 404), ("/xx/ports/1", 404)]:
        st, _, _ = srv.get(path)
        t.ok(st == want, f"{path}: {want}")
    st, _, body = srv.get("/cs/nope")
    t.ok(st == 404 and b'<html lang="cs">' in body, "/cs/nope: a Czech 404 page")

    # The sitemap lists every language.
    st, _, body = srv.get("/sitemap.xml")
    s = body.decode()
    t.ok(all(f"{srv.base}{prefix(l)}/ports/1712</loc>" in s for l in LANGS) and
         f"<loc>{srv.base}/ug</loc>" in s and s.count("<url>") < 50000,
         "the sitemap lists every language's pages, under 50,000 URLs")
finally:
    srv.stop()

# The static export writes the language trees.
with tempfile.TemporaryDirectory(prefix="portscope-site-") as out:
    p = subprocess.run([exe, "site", "--out", out, "--ports", "1712"], capture_output=True,
                       text=True, timeout=120)
    files = {l: os.path.join(out, *([l] if l != "en" else []), "ports", "1712.html") for l in LANGS}
    ok = p.returncode == 0 and all(os.path.exists(f) for f in files.values())
    langs_ok = ok and all(f'<html lang="{l}"' in open(f, encoding="utf-8").read()
                          for l, f in files.items())
    t.ok(langs_ok, "site --out writes /ports/1712 in every language", p.stderr)
    homes = ["index.html"] + [f"{l}.html" for l in LANGS[1:]] + [f"{l}/404.html" for l in LANGS[1:]]
    t.ok(all(os.path.exists(os.path.join(out, f)) for f in homes),
         "site --out writes each language's home and 404 page")
    de = open(files["de"], encoding="utf-8").read() if ok else ""
    t.ok('href="/de/ranges"' in de and 'href="/static/style.css"' in de,
         "the exported German page links into /de/ and to the shared stylesheet")
with tempfile.TemporaryDirectory(prefix="portscope-site-") as out:
    p = subprocess.run([exe, "site", "--out", out, "--ports", "1712", "--languages", "de,ug"],
                       capture_output=True, text=True, timeout=120)
    t.ok(p.returncode == 0 and os.path.exists(os.path.join(out, "de", "ports", "1712.html")) and
         os.path.exists(os.path.join(out, "ug.html")) and
         os.path.exists(os.path.join(out, "static", "style.css")) and
         not os.path.exists(os.path.join(out, "ports")) and
         not os.path.exists(os.path.join(out, "cs")), "site --languages de,ug: those two only",
         p.stderr)
    p = subprocess.run([exe, "site", "--out", out, "--languages", "de,fr"], capture_output=True,
                       text=True, timeout=60)
    t.ok(p.returncode == 2 and "--languages" in p.stderr, "site --languages de,fr: usage error")
t.done()
