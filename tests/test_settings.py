"""Settings come from INCLUSION_* variables only, and a wrong one stops the start with one sentence."""

import gc
import multiprocessing

import pytest

from inclusion.app import create_app
from inclusion.settings import Settings, SettingsError, development_secret

PRODUCTION = {
    "INCLUSION_ENV": "production",
    "INCLUSION_SECRET_KEY": "s" * 40,
    "INCLUSION_PUBLIC_BASE_URL": "https://inclusion.example.fr",
}


def test_production_requires_the_public_address_printed_on_certificates(tmp_path):
    """Production without INCLUSION_PUBLIC_BASE_URL, or with a malformed one, is refused; the address is kept
    without its trailing slash; development falls back to the listening address."""
    without = {key: value for key, value in PRODUCTION.items() if key != "INCLUSION_PUBLIC_BASE_URL"}
    with pytest.raises(SettingsError, match="INCLUSION_PUBLIC_BASE_URL est obligatoire en production"):
        Settings.from_env({**without, "INCLUSION_DATA_DIR": str(tmp_path)})
    with pytest.raises(SettingsError, match="INCLUSION_PUBLIC_BASE_URL vaut « inclusion.fr »"):
        Settings.from_env(
            {**PRODUCTION, "INCLUSION_PUBLIC_BASE_URL": "inclusion.fr", "INCLUSION_DATA_DIR": str(tmp_path)}
        )
    chosen = Settings.from_env(
        {**PRODUCTION, "INCLUSION_PUBLIC_BASE_URL": "https://a.fr/inclusion/", "INCLUSION_DATA_DIR": str(tmp_path)}
    )
    assert chosen.base_url == "https://a.fr/inclusion"
    assert (
        Settings.from_env({"INCLUSION_DATA_DIR": str(tmp_path), "INCLUSION_PORT": "9000"}).base_url
        == "http://127.0.0.1:9000"
    )


def test_production_refuses_to_start_without_a_secret(tmp_path):
    """Production without INCLUSION_SECRET_KEY is refused with a French sentence."""
    with pytest.raises(SettingsError, match="INCLUSION_SECRET_KEY est obligatoire en production"):
        Settings.from_env({"INCLUSION_ENV": "production", "INCLUSION_DATA_DIR": str(tmp_path)})


def test_production_defaults_to_secure_cookies(tmp_path):
    """In production the cookie is Secure unless said otherwise."""
    settings = Settings.from_env({**PRODUCTION, "INCLUSION_DATA_DIR": str(tmp_path)})
    assert settings.cookie_secure is True
    assert Settings.from_env({"INCLUSION_DATA_DIR": str(tmp_path)}).cookie_secure is False


def test_default_database_is_sqlite_under_the_data_dir(tmp_path):
    """With nothing set, the database is var/inclusion.db (here: the data dir)."""
    settings = Settings.from_env({"INCLUSION_DATA_DIR": str(tmp_path)})
    assert settings.database_url == f"sqlite:///{tmp_path / 'inclusion.db'}"
    assert settings.database_kind == "sqlite"


def test_unknown_database_scheme_is_one_sentence(tmp_path):
    """mysql:// is refused and the sentence says what is accepted."""
    with pytest.raises(SettingsError, match="schéma « mysql » non pris en charge"):
        Settings.from_env({"INCLUSION_DATABASE_URL": "mysql://x/y", "INCLUSION_DATA_DIR": str(tmp_path)})


def test_bad_number_is_named(tmp_path):
    """A port that is not a number names the variable."""
    with pytest.raises(SettingsError, match="INCLUSION_PORT doit être un nombre entier"):
        Settings.from_env({"INCLUSION_PORT": "huit mille", "INCLUSION_DATA_DIR": str(tmp_path)})


def test_production_logs_json_lines_and_a_wrong_log_setting_is_named(tmp_path):
    """Production logs JSON lines unless told otherwise, development text; an unknown format or level stops."""
    data_dir = {"INCLUSION_DATA_DIR": str(tmp_path)}
    assert Settings.from_env({**PRODUCTION, **data_dir}).log_format == "json"
    assert Settings.from_env({**PRODUCTION, **data_dir, "INCLUSION_LOG_FORMAT": "text"}).log_format == "text"
    assert Settings.from_env({**data_dir, "INCLUSION_LOG_LEVEL": "warning"}).log_format == "text"
    with pytest.raises(SettingsError, match="INCLUSION_LOG_FORMAT vaut « xml » : valeurs possibles"):
        Settings.from_env({**data_dir, "INCLUSION_LOG_FORMAT": "xml"})
    with pytest.raises(SettingsError, match="INCLUSION_LOG_LEVEL vaut « bavard » : valeurs possibles DEBUG"):
        Settings.from_env({**data_dir, "INCLUSION_LOG_LEVEL": "bavard"})


def test_development_secret_is_made_once_and_shared(tmp_path):
    """Eight processes starting at once all read the same development secret, kept in the data dir."""
    with multiprocessing.get_context("spawn").Pool(8) as pool:
        secrets = pool.map(development_secret, [tmp_path] * 8)
    assert len(set(secrets)) == 1 and len(secrets[0]) >= 40
    assert (tmp_path / "secret_key").read_text().strip() == secrets[0]
    assert Settings.from_env({"INCLUSION_DATA_DIR": str(tmp_path)}).secret_key == secrets[0]
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]


def test_the_service_time_zone_is_paris_unless_told_and_must_exist(tmp_path):
    """INCLUSION_TIME_ZONE: Europe/Paris by default, an overseas zone if told, one sentence for an unknown one."""
    base = {"INCLUSION_DATA_DIR": str(tmp_path)}
    assert Settings.from_env(base).time_zone == "Europe/Paris"
    assert Settings.from_env({**base, "INCLUSION_TIME_ZONE": "Indian/Reunion"}).time_zone == "Indian/Reunion"
    with pytest.raises(SettingsError, match="INCLUSION_TIME_ZONE vaut « Mars/Olympus » : indiquez un fuseau IANA"):
        Settings.from_env({**base, "INCLUSION_TIME_ZONE": "Mars/Olympus"})


def test_the_app_collects_young_garbage_every_10000_objects_not_700(settings):
    """Building the app raises CPython's young-generation threshold: a national report's cells are scanned less."""
    gc.set_threshold(700, 10, 10)
    create_app(settings)
    assert gc.get_threshold() == (10_000, 10, 10)


def test_daily_jobs_wait_for_five_past_midnight_in_the_service_zone():
    """From 23:00 in Paris the report's upkeep waits 65 minutes, across a daylight-saving change too."""
    from datetime import UTC, datetime

    from inclusion import clock

    clock.use_zone("Europe/Paris")
    assert clock.seconds_until(0, 5, datetime(2026, 11, 23, 22, 0, tzinfo=UTC)) == 65 * 60  # 23:00 in Paris
    assert clock.seconds_until(0, 5, datetime(2026, 11, 23, 23, 30, tzinfo=UTC)) == 24 * 3600 - 25 * 60
    assert clock.seconds_until(0, 5, datetime(2026, 3, 28, 23, 5, tzinfo=UTC)) == 23 * 3600  # spring forward
    clock.use_zone("Pacific/Kiritimati")
    assert clock.seconds_until(0, 5, datetime(2026, 11, 23, 10, 0, tzinfo=UTC)) == 5 * 60  # 00:00 there
    clock.use_zone("Europe/Paris")
