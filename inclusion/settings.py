"""Service settings: the only module that reads the environment."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from inclusion.clock import DEFAULT_ZONE

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TEMPLATES_DIR = PROJECT_ROOT / "templates"
MIGRATIONS_DIR = PROJECT_ROOT / "migrations"
DEFAULT_DATA_DIR = PROJECT_ROOT / "var"

# Piccolo looks its engine up through this module; set it before Piccolo reads it.
os.environ.setdefault("PICCOLO_CONF", "inclusion.storage.piccolo_conf")

Environment = Literal["development", "production"]
LogFormat = Literal["json", "text"]
_TRUE = {"1", "true", "yes", "on", "oui"}
_FALSE = {"0", "false", "no", "off", "non", ""}


class SettingsError(Exception):
    """A setting is missing or wrong; the message is one French sentence."""


@dataclass(frozen=True, slots=True)
class Settings:
    env: Environment = "development"
    database_url: str = ""
    secret_key: str = ""
    data_dir: Path = DEFAULT_DATA_DIR
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    cookie_secure: bool = False
    public_base_url: str = ""
    session_idle_minutes: int = 30
    session_absolute_hours: int = 12
    login_max_failures: int = 5
    login_window_minutes: int = 15
    database_pool_size: int = 10
    token_cache_seconds: int = 5
    sqlite_busy_timeout_seconds: float = 10.0
    retention_months: int = 24
    verify_max_lookups: int = 30
    verify_window_minutes: int = 10
    share_max_views: int = 60
    offline_hours: int = 12
    feedback_max_per_address: int = 60
    report_processes: int = 2
    report_wait_seconds: int = 5
    small_cell_k: int = 11
    reassess_after_days: int = 90
    daily_jobs: bool = True
    log_level: str = "INFO"
    log_format: LogFormat = "text"
    shutdown_grace_seconds: int = 30
    time_zone: str = DEFAULT_ZONE

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def database_kind(self) -> Literal["sqlite", "postgres"]:
        return database_kind(self.database_url)

    @property
    def base_url(self) -> str:
        return self.public_base_url or f"http://{self.host}:{self.port}"

    def with_changes(self, **changes: object) -> Settings:
        return replace(self, **changes)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Build settings from INCLUSION_* variables; raise SettingsError on a bad one."""
        env_vars = os.environ if environ is None else environ

        def get(name: str, default: str = "") -> str:
            return env_vars.get(f"INCLUSION_{name}", default).strip()

        env = get("ENV", "development")
        if env not in ("development", "production"):
            raise SettingsError(f"INCLUSION_ENV vaut « {env} » : valeurs possibles « development » ou « production ».")
        data_dir = Path(get("DATA_DIR") or DEFAULT_DATA_DIR)
        database_url = get("DATABASE_URL") or f"sqlite:///{data_dir / 'inclusion.db'}"
        database_kind(database_url)  # validates the scheme
        secret_key = get("SECRET_KEY")
        if not secret_key:
            if env == "production":
                raise SettingsError(
                    "INCLUSION_SECRET_KEY est obligatoire en production : "
                    "définissez une valeur aléatoire d'au moins 32 caractères."
                )
            secret_key = development_secret(data_dir)
        elif env == "production" and len(secret_key) < 32:
            raise SettingsError("INCLUSION_SECRET_KEY doit compter au moins 32 caractères en production.")
        public_base_url = public_url(get("PUBLIC_BASE_URL"), env == "production")
        return cls(
            env=env,  # type: ignore[arg-type]
            database_url=database_url,
            secret_key=secret_key,
            data_dir=data_dir,
            host=get("HOST", "127.0.0.1"),
            port=_int(get, "PORT", 8000),
            workers=_int(get, "WORKERS", 1),
            cookie_secure=_bool(get, "COOKIE_SECURE", env == "production"),
            public_base_url=public_base_url,
            session_idle_minutes=_int(get, "SESSION_IDLE_MINUTES", 30),
            session_absolute_hours=_int(get, "SESSION_ABSOLUTE_HOURS", 12),
            login_max_failures=_int(get, "LOGIN_MAX_FAILURES", 5),
            login_window_minutes=_int(get, "LOGIN_WINDOW_MINUTES", 15),
            database_pool_size=_int(get, "DATABASE_POOL_SIZE", 10),
            token_cache_seconds=_int(get, "TOKEN_CACHE_SECONDS", 5),
            log_level=log_level(get("LOG_LEVEL", "INFO")),
            log_format=log_format(get("LOG_FORMAT", "json" if env == "production" else "text")),
            shutdown_grace_seconds=_int(get, "SHUTDOWN_GRACE_SECONDS", 30),
            retention_months=_int(get, "RETENTION_MONTHS", 24),
            verify_max_lookups=_int(get, "VERIFY_MAX_LOOKUPS", 30),
            verify_window_minutes=_int(get, "VERIFY_WINDOW_MINUTES", 10),
            share_max_views=_int(get, "SHARE_MAX_VIEWS", 60),
            offline_hours=_at_least_one(_int(get, "OFFLINE_HOURS", 12), "OFFLINE_HOURS"),
            feedback_max_per_address=_int(get, "FEEDBACK_MAX_PER_ADDRESS", 60),
            report_processes=_at_least_one(_int(get, "REPORT_PROCESSES", 2), "REPORT_PROCESSES"),
            report_wait_seconds=_int(get, "REPORT_WAIT_SECONDS", 5),
            small_cell_k=_small_cell_k(_int(get, "SMALL_CELL_K", 11)),
            reassess_after_days=_at_least_one(_int(get, "REASSESS_AFTER_DAYS", 90), "REASSESS_AFTER_DAYS"),
            time_zone=time_zone(get("TIME_ZONE", DEFAULT_ZONE)),
        )


def log_level(raw: str) -> str:
    level = raw.upper()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
        raise SettingsError(
            f"INCLUSION_LOG_LEVEL vaut « {raw} » : valeurs possibles DEBUG, INFO, WARNING, ERROR ou CRITICAL."
        )
    return level


def log_format(raw: str) -> LogFormat:
    if raw not in ("json", "text"):
        raise SettingsError(f"INCLUSION_LOG_FORMAT vaut « {raw} » : valeurs possibles « json » ou « text ».")
    return raw  # type: ignore[return-value]


def time_zone(name: str) -> str:
    """The service's IANA time zone: the day an adviser records as "today" (an overseas network: its own)."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(
            f"INCLUSION_TIME_ZONE vaut « {name} » : indiquez un fuseau IANA, par exemple Europe/Paris, "
            "Indian/Reunion ou America/Martinique."
        ) from None
    return name


def public_url(raw: str, production: bool) -> str:
    """The address users reach. Printed in every certificate's QR code, so production must say it."""
    if not raw:
        if production:
            raise SettingsError(
                "INCLUSION_PUBLIC_BASE_URL est obligatoire en production : les attestations impriment "
                "cette adresse dans leur QR code (par exemple https://inclusion.exemple.fr)."
            )
        return ""
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise SettingsError(
            f"INCLUSION_PUBLIC_BASE_URL vaut « {raw} » : indiquez une adresse http(s)://hôte[/chemin], sans paramètres."
        )
    return raw.rstrip("/")


def database_kind(url: str) -> Literal["sqlite", "postgres"]:
    scheme = urlsplit(url).scheme
    if scheme == "sqlite":
        return "sqlite"
    if scheme in ("postgresql", "postgres"):
        return "postgres"
    raise SettingsError(
        f"INCLUSION_DATABASE_URL : schéma « {scheme or url} » non pris en charge "
        "(utilisez sqlite:///chemin/base.db ou postgresql://utilisateur@hôte/base)."
    )


PRIVATE_DIR, PRIVATE_FILE = 0o700, 0o600


def private_dir(path: Path) -> None:
    """Make the data folder (and missing parents) if needed; a folder made here is its owner's alone (0700)."""
    if not path.is_dir():
        path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
        path.chmod(PRIVATE_DIR)  # whatever the umask


def private_file(path: Path) -> None:
    """Create `path` empty, readable and writable by its owner only (0600); an existing one of ours is tightened
    to 0600. The SQLite database is made this way before SQLite opens it: its -wal and -shm files then get the
    same mode."""
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_FILE))
    except FileExistsError:
        if path.stat().st_uid == os.getuid() and path.stat().st_mode & 0o077:
            path.chmod(PRIVATE_FILE)


def development_secret(data_dir: Path) -> str:
    """Return the development secret kept in data_dir, creating it once for every process."""
    path = data_dir / "secret_key"
    if not path.exists():
        private_dir(data_dir)
        candidate = data_dir / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
        private_file(candidate)
        candidate.write_text(secrets.token_urlsafe(48))
        try:
            os.link(candidate, path)  # atomic: the first process wins, the others read its key
        except FileExistsError:
            pass
        finally:
            candidate.unlink()
    return path.read_text().strip()


def _int(get, name: str, default: int) -> int:
    raw = get(name)
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise SettingsError(f"INCLUSION_{name} doit être un nombre entier (reçu « {raw} »).") from None


def _small_cell_k(value: int) -> int:
    if value < 2:
        raise SettingsError(f"INCLUSION_SMALL_CELL_K doit valoir au moins 2 (reçu {value}).")
    return value


def _at_least_one(value: int, name: str) -> int:
    if value < 1:
        raise SettingsError(f"INCLUSION_{name} doit valoir au moins 1 (reçu {value}).")
    return value


def _bool(get, name: str, default: bool) -> bool:
    raw = get(name).lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return default if raw == "" else False
    raise SettingsError(f"INCLUSION_{name} doit valoir true ou false (reçu « {raw} »).")
