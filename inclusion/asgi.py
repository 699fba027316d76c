"""Entry point for ASGI servers running several workers: each builds the app from the environment."""

from litestar import Litestar

from inclusion.app import create_app
from inclusion.settings import Settings


def app_from_env() -> Litestar:
    return create_app(Settings.from_env())
