"""Settings: defaults, file, environment and overrides in that order; bad values refused at start."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsdesk.config import SETTINGS, Settings, load_settings
from newsdesk.errors import ConfigError


def test_every_setting_has_a_field_with_its_default() -> None:
    defaults = Settings()
    for setting in SETTINGS:
        assert getattr(defaults, setting.name) == setting.default, setting.name


def test_precedence_file_then_environment_then_overrides(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text("timeout = 7.5\nmax_redirects = 3\n", encoding="utf-8")
    env = {"NEWSDESK_MAX_REDIRECTS": "4", "NEWSDESK_ALLOW_PRIVATE_ADDRESSES": "yes"}
    settings = load_settings(data_dir=tmp_path, environ=env, max_redirects=None, read_only=True)
    assert settings.timeout == 7.5
    assert settings.max_redirects == 4
    assert settings.allow_private_addresses is True and settings.read_only is True
    assert settings.resolved_database_url == f"sqlite:///{tmp_path / 'newsdesk.db'}"


@pytest.mark.parametrize(("name", "value"), [
    ("timeout", "soon"), ("story_threshold", "1.5"), ("near_duplicate_threshold", "0"),
    ("story_window_days", "0"), ("allow_private_addresses", "maybe"),
])
def test_bad_values_are_refused_with_the_setting_named(tmp_path: Path, name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=name):
        load_settings(data_dir=tmp_path, environ={f"NEWSDESK_{name.upper()}": value})


def test_unknown_key_in_the_config_file(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text("colour = 'blue'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="colour"):
        load_settings(data_dir=tmp_path, environ={})
