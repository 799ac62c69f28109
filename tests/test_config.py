"""Settings: safe local defaults, and production refuses to start without a real secret."""

from pathlib import Path

import pytest
from pydantic import ValidationError

from app.config import Settings, parse_rate


def test_local_secret_is_generated_once_and_kept_in_var(tmp_path: Path) -> None:
    first = Settings(var_dir=tmp_path, secret_key="", environment="development")
    second = Settings(var_dir=tmp_path, secret_key="", environment="development")
    assert len(first.secret_key) >= 32
    assert first.secret_key == second.secret_key
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_the_default_database_is_a_sqlite_file_under_var(tmp_path: Path) -> None:
    settings = Settings(var_dir=tmp_path, database_url="", secret_key="")
    assert settings.database_url == f"sqlite+aiosqlite:///{tmp_path / 'pop-forums.db'}"
    assert settings.timezone == "Europe/Tirane"
    assert settings.default_locale == "sq"
    assert settings.rate_limits is True


@pytest.mark.parametrize("secret", ["", "short"])
def test_production_refuses_to_start_without_a_real_secret(tmp_path: Path, secret: str) -> None:
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        Settings(var_dir=tmp_path, environment="production", secret_key=secret)
    assert not (tmp_path / "secret_key").exists()


def test_production_accepts_a_long_secret(tmp_path: Path) -> None:
    settings = Settings(var_dir=tmp_path, environment="production", secret_key="s" * 48)
    assert settings.secret_key == "s" * 48


def test_rate_limits_read_on_and_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RATE_LIMITS", "off")
    assert Settings(var_dir=tmp_path).rate_limits is False
    monkeypatch.setenv("RATE_LIMITS", "on")
    assert Settings(var_dir=tmp_path).rate_limits is True


def test_rate_limit_format() -> None:
    assert parse_rate("10/300") == (10, 300)
    for bad in ["10", "ten/300", "10/0", "/"]:
        with pytest.raises(ValueError, match="COUNT/SECONDS"):
            parse_rate(bad)


def test_base_url_must_be_absolute(tmp_path: Path) -> None:
    with pytest.raises(ValidationError):
        Settings(var_dir=tmp_path, base_url="pop.example")
    settings = Settings(var_dir=tmp_path, base_url="https://pop.example/")
    assert settings.base_url == "https://pop.example"
    assert settings.https
