"""Crawl the pages a logged-in user reaches by following links, the way a new user clicks through: every link a
page shows must open (no 403, 404 or 5xx), and in the Chinese UI no page may show a raw code or an English
sentence. Used by the crawl tests (``linli/portal/tests/test_crawl.py``) and by hand against the demo.

Only GET links inside the site are followed; forms are not submitted. Paths that differ only in their numbers are
visited a few times each (``per_pattern``), so the crawl spreads over the features instead of paging a long list.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

SKIP_PREFIXES = ("/static/", "/media/", "/api/", "/admin/", "/i18n/", "/accounts/logout", "/open311/")

# A raw code: snake_case words (elderly_alone, case_dispatch) or dotted codes (orglife.compliance); letters only,
# so user names such as learner9_01 are not taken for codes.
RAW_CODE = re.compile(r"(?<![\w./:@-])(?:[a-z]+(?:_[a-z]+)+|[a-z]+\.[a-z]+(?:_[a-z]+)*)(?![\w./@-])")
# An English sentence: three words or more of Latin letters in a row (single words such as API or Excel pass).
ENGLISH = re.compile(r"\b[A-Za-z][a-z]+(?:[ ,'-]+[A-Za-z][a-z]+){2,}\b")
ALLOWED_TEXT = {"Open311 GeoReport"}


class _Page(HTMLParser):
    """A page's links and visible text. Text inside script/style/code/pre/textarea, and inside an element marked
    ``data-recorded-values`` (values shown exactly as recorded, e.g. an audit row's before/after), is not checked."""

    SKIP_TAGS = ("script", "style", "code", "pre", "textarea")
    VOID = ("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.text: list[str] = []
        self._stack: list[bool] = []  # per open element: is it (or an ancestor) skipped?

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag in self.VOID:
            return
        skipped = (
            (self._stack[-1] if self._stack else False) or tag in self.SKIP_TAGS or ("data-recorded-values" in attrs)
        )
        self._stack.append(skipped)

    def handle_endtag(self, tag):
        if tag not in self.VOID and self._stack:
            self._stack.pop()

    def handle_data(self, data):
        if not (self._stack and self._stack[-1]) and data.strip():
            self.text.append(data.strip())


@dataclass
class Finding:
    url: str
    problem: str
    found_on: str = ""

    def __str__(self):
        return f"{self.url}: {self.problem}" + (f" (linked from {self.found_on})" if self.found_on else "")


@dataclass
class CrawlResult:
    visited: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def _pattern(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def text_problems(text: str) -> list[str]:
    """Raw codes and English sentences in a page's visible text (the Chinese UI)."""
    out = []
    for m in RAW_CODE.finditer(text):
        out.append(f"raw code {m.group(0)!r}")
    for m in ENGLISH.finditer(text):
        if not any(a in m.group(0) for a in ALLOWED_TEXT):
            out.append(f"English text {m.group(0)!r}")
    return out


def crawl(
    client, start: str = "/", *, limit: int = 300, per_pattern: int = 3, check_text: bool = True, ignore_text=()
) -> CrawlResult:
    """Follow the links from ``start`` with ``client`` (logged in); report pages that do not open and, with
    ``check_text``, raw codes or English sentences in pages' visible text."""
    result = CrawlResult()
    queue: deque[tuple[str, str]] = deque([(start, "")])
    seen: set[str] = {start}
    patterns: dict[str, int] = {}
    while queue and len(result.visited) < limit:
        url, referrer = queue.popleft()
        resp = client.get(url)
        result.visited.append(url)
        if resp.status_code in (301, 302, 303):
            target = urljoin(url, resp["Location"])
            parts = urlsplit(target)
            if parts.netloc and parts.netloc != "testserver":
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target.startswith("/accounts/login"):
                result.findings.append(Finding(url, "redirects to the login page", referrer))
            elif target not in seen:
                seen.add(target)
                queue.appendleft((target, url))
            continue
        if resp.status_code != 200:
            result.findings.append(Finding(url, f"answers {resp.status_code}", referrer))
            continue
        if "html" not in resp.get("Content-Type", ""):
            continue
        page = _Page()
        page.feed(resp.content.decode("utf-8", "replace"))
        if check_text:
            text = " ".join(page.text)
            for problem in text_problems(text):
                if not any(i in problem for i in ignore_text):
                    result.findings.append(Finding(url, problem))
        for href in page.links:
            target = urljoin(url, href)
            parts = urlsplit(target)
            if parts.scheme not in ("", "http", "https") or (parts.netloc and parts.netloc != "testserver"):
                continue
            path = parts.path
            if not path.startswith("/") or path.startswith(SKIP_PREFIXES):
                continue
            link = path + (f"?{parts.query}" if parts.query else "")
            if link in seen:
                continue
            seen.add(link)
            key = _pattern(path) + ("?" if parts.query else "")
            patterns[key] = patterns.get(key, 0) + 1
            if patterns[key] > per_pattern:
                continue
            queue.append((link, url))  # downloads too: opened (they must not 404/403), not parsed as pages
    return result
