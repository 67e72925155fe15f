"""Text in: decoding bytes and files, extracting articles from HTML, fetching URLs safely,
and the inputs of ``spinscope analyze`` (files, folders, standard input)."""

from ._fetch import FetchPolicy, Page, fetch
from ._files import decode_text, read_text_file
from ._html import extract_article
from ._sources import HTML_SUFFIXES, Source, collect_sources

__all__ = [
    "HTML_SUFFIXES",
    "FetchPolicy",
    "Page",
    "Source",
    "collect_sources",
    "decode_text",
    "extract_article",
    "fetch",
    "read_text_file",
]
