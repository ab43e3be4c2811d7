#!/usr/bin/env python3
"""Checks Atom feeds for what RFC 4287 requires and feed readers rely on.

There is no Atom validator to install here, so this does what one would: the feed and
every entry have an id, a title and an RFC 3339 `updated`; the feed links to itself; every
link is absolute. Well-formedness is checked by xmllint before this runs.

Usage: check-feeds.py FEED.xml...
"""
import re
import sys
import xml.etree.ElementTree as ET

ATOM = "{http://www.w3.org/2005/Atom}"
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


failed = 0
for path in sys.argv[1:]:
    for problem in problems_in(path):
        print(f"  FAIL {path}: {problem}")
        failed += 1
print(f"Checked {len(sys.argv) - 1} Atom feeds: {failed} problem(s)")
sys.exit(1 if failed else 0)
