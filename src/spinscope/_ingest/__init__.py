"""Text in: decoding bytes and files, extracting articles from HTML, fetching URLs safely,
the inputs of ``spinscope analyze`` (files, folders, standard input), and JSON from files."""

from ._fetch import FetchPolicy, Page, fetch
from ._files import (
    decode_text,
    path_name,
    read_file_bytes,
    read_text_file,
    valid_unicode,
    without_surrogates,
)
from ._html import extract_article
from ._json import load_json, shown_value
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
    "load_json",
    "path_name",
    "read_file_bytes",
    "read_text_file",
    "shown_value",
    "valid_unicode",
    "without_surrogates",
]
