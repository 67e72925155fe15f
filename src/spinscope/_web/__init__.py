"""The web app of ``spinscope serve``: a page and a JSON API over the analyzer."""

from ._app import create_app
from ._config import ServeConfig

__all__ = [
    "ServeConfig",
    "create_app",
]
