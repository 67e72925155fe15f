"""HTML pages and their static assets, read once when the app is created.

Pages are Jinja templates rendered with autoescaping, so stored titles, sources and keys
are always text, never markup. No page carries an inline script or style (the app's CSP
forbids both): colours and sizes are set by the static scripts through the CSSOM or as
SVG attributes. Templates live beside the assets in ``static/`` because that folder is
already package data; only the names in :data:`ASSETS` are ever served as files.
"""

from __future__ import annotations

from functools import cached_property
from importlib import resources
from typing import Any

from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

# The files served under /static/, with their media types.
ASSETS = {
    "app.css": "text/css",
    "compare.css": "text/css",
    "app.js": "text/javascript",
    "highlight.js": "text/javascript",
    "article.js": "text/javascript",
    "charts.js": "text/javascript",
    "dashboard.js": "text/javascript",
    "voices.js": "text/javascript",
    "favicon.svg": "image/svg+xml",
}


def _read(name: str) -> str:
    return (resources.files("spinscope") / "_web" / "static" / name).read_text(encoding="utf-8")


class Pages:
    """The templates and assets of the web app.

    Args:
        corpus: Whether a results store is open; pages then link to the corpus view and
            the dashboard.

    Example:
        >>> pages = Pages(corpus=False)
        >>> pages.asset("app.css").media_type
        'text/css'
    """

    def __init__(self, corpus: bool) -> None:
        self.corpus = corpus
        self._env = Environment(
            loader=PackageLoader("spinscope", "_web/static"),
            autoescape=select_autoescape(default=True, default_for_string=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self._env.globals["corpus"] = corpus
        self._assets = {name: _read(name) for name in ASSETS}

    @cached_property
    def index(self) -> str:
        """The analyzer page, rendered once."""
        return self.html("index.html", active="analyze")

    def html(self, template: str, **context: Any) -> str:
        """The page ``template`` rendered with ``context`` (and ``active``, the nav item)."""
        context.setdefault("active", "")
        return self._env.get_template(template).render(**context)

    def render(self, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        """:meth:`html` as a response with ``status``."""
        return HTMLResponse(self.html(template, **context), status_code=status)

    def message(self, status: int, title: str, text: str, active: str = "") -> HTMLResponse:
        """A page that only says ``text`` (not found, no store), with ``status``."""
        return self.render("message.html", status, title=title, message=text, active=active)

    def asset(self, name: str) -> Response | None:
        """The static file ``name``, or ``None`` when it is not one of :data:`ASSETS`."""
        if name not in self._assets:
            return None
        return Response(self._assets[name], media_type=ASSETS[name])
