"""detente's web app and HTTP API (``detente serve``)."""

from .app import create_app

__all__ = ["create_app"]
