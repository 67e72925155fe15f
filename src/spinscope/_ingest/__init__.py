"""Text in: decoding bytes and files, extracting articles from HTML, fetching URLs safely."""

from ._fetch import FetchPolicy, fetch
from ._files import decode_text, read_text_file
from ._html import extract_article

__all__ = [
    "FetchPolicy",
    "decode_text",
    "extract_article",
    "fetch",
    "read_text_file",
]
