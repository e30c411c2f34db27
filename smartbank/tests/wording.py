"""The text a customer reads on a page, for the wording scans of issue 12 (no internal codes or
terms on customer pages, :func:`smartbank.tests.browser.internal_terms_in`).

Used by ``smartbank/tests/test_customer_wording.py`` (KYC and waiver pages) and by each app's
own scan (``loans/tests/test_customer_wording.py``): render a page with Django's test client,
then ``assert_plain_words(response)``.
"""

from html.parser import HTMLParser
from typing import Any

from .browser import internal_terms_in

__all__ = ["assert_plain_words", "visible_text"]

#: Elements whose content is never shown as text.
_HIDDEN = frozenset({"script", "style", "template", "noscript", "head"})
#: Elements without an end tag (never pushed on the stack of open elements).
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
     "track", "wbr"}
)  # fmt: skip
#: Attributes people read or hear: alternative text, tooltips, placeholders, labels.
_READ_ATTRIBUTES = ("alt", "title", "placeholder", "aria-label")


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.open: list[str] = []
        self.hidden_depth = 0
        self.title: list[str] = []
        self.in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self.in_title = True
        if tag in _VOID:
            self._attributes(attrs)
            return
        self.open.append(tag)
        if tag in _HIDDEN:
            self.hidden_depth += 1
        elif not self.hidden_depth:
            self._attributes(attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self.hidden_depth:
            self._attributes(attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        if tag in _VOID or tag not in self.open:
            return
        while self.open:
            closed = self.open.pop()
            if closed in _HIDDEN:
                self.hidden_depth -= 1
            if closed == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title.append(data)
        elif not self.hidden_depth:
            self.parts.append(data)

    def _attributes(self, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in _READ_ATTRIBUTES and value:
                self.parts.append(f" {value} ")


def visible_text(response_or_html: Any) -> str:
    """The words of a page as a customer reads or hears them: the text of ``<title>`` and of
    the body (tags stripped, entities decoded, whitespace collapsed), plus the ``alt``,
    ``title``, ``placeholder`` and ``aria-label`` attributes; never scripts, styles or
    comments. ``response_or_html`` is a Django test response or an HTML string."""
    html = response_or_html
    if not isinstance(html, str):
        html = html.content.decode(getattr(html, "charset", None) or "utf-8")
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    return " ".join(" ".join([*parser.title, *parser.parts]).split())


def assert_plain_words(response_or_html: Any, *, context: str = "") -> str:
    """Assert that a customer page shows no internal code or term
    (:func:`~smartbank.tests.browser.internal_terms_in` of :func:`visible_text`) and no
    template syntax; returns the text for further assertions. ``context`` names the case in
    the failure message."""
    text = visible_text(response_or_html)
    found = internal_terms_in(text)
    # A template tag or comment shown as text (a {# #} comment ends at its line).
    found += [syntax for syntax in ("{#", "#}", "{%", "%}", "{{", "}}") if syntax in text]
    assert not found, f"{context}: internal terms on a customer page: {found}\n{text}"
    return text
