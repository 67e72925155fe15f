"""The web app of ``spinscope serve``: a page and a JSON API over the analyzer."""

from ._app import ServeConfig, create_app

__all__ = [
    "ServeConfig",
    "create_app",
]
