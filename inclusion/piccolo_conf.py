"""Piccolo's configuration module. `inclusion.db.bind` sets DB; the `piccolo` CLI builds it from the environment."""

from piccolo.conf.apps import AppRegistry

APP_REGISTRY = AppRegistry(apps=["inclusion.piccolo_app"])


def __getattr__(name: str):
    if name != "DB":
        raise AttributeError(name)
    from inclusion.db import create_engine
    from inclusion.settings import Settings

    engine = create_engine(Settings.from_env())
    globals()["DB"] = engine
    return engine
