"""Reducing an HTML page to its article's title and body text."""

from __future__ import annotations

from .._errors import InputError


def extract_article(html: str, name: str = "the page") -> str:
    """The title and main text of an HTML page, title first, paragraphs on their own lines.

    Offsets of an analysis of HTML input refer to this text, which is what the page shows.

    Raises:
        InputError: when no article text can be found.

    Example:
        >>> page = "<html><head><title>T</title></head><body><article><p>" + "Words here. " * 20
        >>> extract_article(page + "</p></article></body></html>").startswith("T\\n\\nWords")
        True
    """
    import trafilatura

    body = trafilatura.extract(
        html,
        output_format="txt",
        include_comments=False,
        include_tables=False,
        favor_recall=True,
    )
    if not body or not body.strip():
        raise InputError(f"{name}: no article text found in the HTML")
    meta = trafilatura.extract_metadata(html)
    title = (meta.title or "").strip() if meta else ""
    if title and not body.startswith(title):
        return f"{title}\n\n{body.strip()}"
    return body.strip()
