#!/usr/bin/env python3
"""Checks the Atom feeds and the sitemap beyond their schemas.

There is no Atom validator to install here, so this does what one would: the feed and
every entry have an id, a title and an RFC 3339 `updated`; the feed links to itself; every
link is absolute. And every URL the feeds and the sitemap give (entries, `loc`, hreflang
alternates) is a page of the built site. Well-formedness and the sitemap's schema are
checked by xmllint before this runs.

Usage: check-feeds-and-sitemap.py BASE_URL SITE_DIR
  BASE_URL  the URL the site was built for, e.g. http://127.0.0.1:8811/region/
  SITE_DIR  the built output folder
"""
import os
import re
import sys
import xml.etree.ElementTree as ET

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def problems_in(path):
    root = ET.parse(path).getroot()
    if root.tag != ATOM + "feed":
        yield f"the root element is {root.tag}, not an Atom feed"
        return
    for where, element in [("the feed", root)] + [
        (f"entry {n}", entry) for n, entry in enumerate(root.findall(ATOM + "entry"), 1)
    ]:
        for child in ("id", "title", "updated"):
            text = element.findtext(ATOM + child)
            if not text or not text.strip():
                yield f"{where} has no <{child}>"
        updated = element.findtext(ATOM + "updated") or ""
        if updated and not RFC3339.match(updated):
            yield f"{where}: <updated>{updated}</updated> is not RFC 3339"
        for link in element.findall(ATOM + "link"):
            href = link.get("href", "")
            if not re.match(r"^https?://", href):
                yield f"{where}: link {href!r} is not absolute"
    if not any(l.get("rel") == "self" for l in root.findall(ATOM + "link")):
        yield "the feed has no rel=self link"


def missing_pages(urls, base, site_dir):
    """The URLs that are not a file of the built site."""
    for url in urls:
        if not url.startswith(base):
            yield f"{url} is not under {base}"
            continue
        rel = url[len(base):].split("#")[0].split("?")[0]
        path = os.path.join(site_dir, rel, "index.html") if rel == "" or rel.endswith("/") else os.path.join(site_dir, rel)
        if not os.path.isfile(path):
            yield f"{url} is not a file of the site ({path})"


def linked_urls(path):
    root = ET.parse(path).getroot()
    if root.tag == SITEMAP + "urlset":
        for url in root.iter(SITEMAP + "loc"):
            yield url.text.strip()
        for link in root.iter(XHTML + "link"):
            yield link.get("href", "")
    else:
        for link in root.iter(ATOM + "link"):
            yield link.get("href", "")


base, site_dir = sys.argv[1], sys.argv[2]
feeds, xml_files = [], []
for folder, _, names in os.walk(site_dir):
    feeds += [os.path.join(folder, n) for n in names if n == "atom.xml"]
    xml_files += [os.path.join(folder, n) for n in names if n in ("atom.xml", "sitemap.xml")]

failed = 0
checked = 0
for path in sorted(feeds):
    for problem in problems_in(path):
        print(f"  FAIL {path}: {problem}")
        failed += 1
for path in sorted(xml_files):
    urls = list(linked_urls(path))
    checked += len(urls)
    for problem in missing_pages(urls, base, site_dir):
        print(f"  FAIL {path}: {problem}")
        failed += 1
print(f"Checked {len(feeds)} Atom feeds and {checked} URLs in them and the sitemap: {failed} problem(s)")
sys.exit(1 if failed else 0)
