"""Piccolo's configuration module. `inclusion.storage.db.bind` sets DB; the `piccolo` CLI builds it from
the environment."""

from piccolo.conf.apps import AppRegistry

APP_REGISTRY = AppRegistry(apps=["inclusion.storage.piccolo_app"])


def __getattr__(name: str):
    if name != "DB":
        raise AttributeError(name)
    from inclusion.settings import Settings
    from inclusion.storage.engines import create_engine

    engine = create_engine(Settings.from_env())
    globals()["DB"] = engine
    return engine
