"""The version of spinscope, in one place (the web app's health answer and the CLI read it)."""

__version__ = "0.1.0"
