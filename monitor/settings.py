"""Settings, from the environment (``PLAN_MONITOR_…``) with embedded defaults that need no set-up."""

from __future__ import annotations

import datetime as dt
import difflib
import os
import urllib.parse
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from monitor.ingest import limits

PREFIX = "PLAN_MONITOR_"
CONFIG_ENV = "PLAN_MONITOR_CONFIG"
RESERVED = "PLAN_MONITOR_TEST_"  # the test suite's own variables (PLAN_MONITOR_TEST_PG_URL)
SECRET = "**********"
MOST_MB = 1e9  # a size setting in MB is at most a petabyte: finite, so that it converts to a count of bytes


class SettingsError(ValueError):
    """The environment names a setting wrongly: the message says which variable, and why."""


def check_environment(environ: dict[str, str] | None = None) -> None:
    """Refuse what pydantic-settings would silently ignore: a misspelt ``PLAN_MONITOR_…`` variable,
    or a ``PLAN_MONITOR_CONFIG`` naming no file (which would run on defaults)."""
    environ = dict(os.environ if environ is None else environ)
    known = {f"{PREFIX}{name.upper()}" for name in Settings.model_fields} | {CONFIG_ENV}
    for name in sorted(environ):
        if name.upper().startswith(PREFIX) and name.upper() not in known and not name.upper().startswith(RESERVED):
            close = difflib.get_close_matches(name.upper(), sorted(known), n=1)
            hint = f"; did you mean {close[0]}?" if close else f"; expected one of {', '.join(sorted(known))}"
            raise SettingsError(f"{name} is not a setting{hint}")
    config = environ.get(CONFIG_ENV)
    if config is not None and not Path(config).is_file():
        raise SettingsError(f"{CONFIG_ENV} names {config}, which is not a file; expected a TOML settings file")


class Settings(BaseSettings):
    """What the program needs to know about its surroundings. Secrets never come from rule files."""

    model_config = SettingsConfigDict(env_prefix="PLAN_MONITOR_", extra="forbid")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Arguments, then the environment, then the TOML file named by PLAN_MONITOR_CONFIG."""
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        config = os.environ.get(CONFIG_ENV)
        if config:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=Path(config)))
        return tuple(sources)

    database_url: str | None = Field(
        None, description="SQLAlchemy URL; a SQLite file under data_dir if unset; postgresql://… for PostgreSQL"
    )
    data_dir: Path = Field(Path("var"), description="where the default SQLite file, the inbox and the outbox live")
    targets: Annotated[tuple[Path, ...], NoDecode] = Field(
        (Path("targets"),),
        min_length=1,
        description="the plan folders (os.pathsep-separated, or a list), or a folder of plan folders",
    )
    inbox: Path | None = Field(None, description="the folder departments drop files in; data_dir/inbox if unset")
    timezone: str = Field("Asia/Ho_Chi_Minh", description="the time zone of dates and schedules")
    smtp_host: str | None = Field(None, description="SMTP server; unset: emails are written as .eml files")
    smtp_port: int = Field(587, ge=1, le=65535)
    smtp_security: Literal["starttls", "tls", "none"] = Field(
        "starttls", description="starttls, tls (implicit) or none"
    )
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_timeout: float = Field(30.0, gt=0, le=600)
    smtp_verify: bool = Field(True, description="check the SMTP server's certificate")
    mail_from: str = Field("plan-monitor@bacgiang.example", pattern=r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+$")
    mail_dir: Path | None = Field(None, description="where .eml files go without SMTP; data_dir/mail if unset")
    reply_to: str | None = Field(
        None, pattern=r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+$", description="where replies to the digests go (Reply-To)"
    )
    templates: Path | None = Field(None, description="a folder of templates that replace the shipped ones")
    evaluate_cron: str = Field("0 7 * * *", description="when the daemon evaluates (crontab, in `timezone`)")
    overdue_cron: str = Field("0 9 * * *", description="when the daemon checks for overdue reports")
    weekly_cron: str = Field("0 7 * * mon", description="when the weekly digest of everything still behind goes out")
    inbox_seconds: int = Field(60, ge=1, description="how often the inbox is polled")
    inbox_settle_seconds: float = Field(
        5, ge=0, le=3600, description="a file is taken once its size and time stayed the same this long"
    )
    outbox_seconds: int = Field(60, ge=1, description="how often the outbox is drained")
    reload_seconds: int = Field(10, ge=1, description="how often the rule files are checked for edits")
    standby_seconds: int = Field(5, ge=1, description="how often a standby daemon tries to become the active one")
    max_file_mb: float = Field(
        limits.FILE_MB, gt=0, le=MOST_MB, allow_inf_nan=False, description="the largest data file taken, in MB"
    )
    max_unzipped_mb: float = Field(
        limits.UNZIPPED_MB,
        gt=0,
        le=MOST_MB,
        allow_inf_nan=False,
        description="the most an .xlsx workbook's parts may unpack to, in MB",
    )
    max_zip_ratio: float = Field(
        limits.ZIP_RATIO, gt=1, description="the most a workbook part over 1 MB may unpack to, times its packed size"
    )
    max_rows: int = Field(limits.ROWS, ge=1, description="the most rows a data file may have")
    max_cell_chars: int = Field(
        limits.CELL_CHARS, ge=100, le=1_000_000, description="the most characters a data file's cell may hold"
    )
    web_host: str = Field("127.0.0.1", description="the address the portal (plan-monitor web) listens on")
    web_port: int = Field(8000, ge=1, le=65535, description="the port the portal listens on")
    public_url: str | None = Field(
        None, pattern=r"^https?://[^\s/]+(/[^\s]*)?$", description="the portal's address as people reach it, for links"
    )
    secret_key: SecretStr | None = Field(
        None, description="signs sign-in links and sessions; plan-monitor web needs it"
    )
    sign_in_minutes: int = Field(15, ge=1, le=1440, description="how long an emailed sign-in link stays valid")
    max_upload_mb: float = Field(
        20, gt=0, le=MOST_MB, allow_inf_nan=False, description="the largest file the portal takes in one upload, in MB"
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    repeat_days: int = Field(7, ge=1, le=90, description="days before a firing alert is sent again")
    remind_days: int = Field(
        3,
        ge=0,
        le=31,
        description="days before a report is due that its owner is reminded if it has not come; 0: never",
    )

    @field_validator("targets", mode="before")
    @classmethod
    def _folders(cls, value: object) -> object:
        """One folder, several separated by os.pathsep (":" on Linux), or a list of them."""
        if isinstance(value, str):
            return tuple(Path(part) for part in value.split(os.pathsep) if part.strip())
        if isinstance(value, Path):
            return (value,)
        return value

    @field_validator("data_dir", "inbox", "mail_dir", "templates", mode="before")
    @classmethod
    def _not_blank(cls, value: object) -> object:
        """A folder set to nothing (`PLAN_MONITOR_INBOX=`) would be the current folder, unsaid."""
        if isinstance(value, str) and not value.strip():
            raise ValueError("empty; expected a folder (unset it for the default)")
        return value

    @field_validator("templates")
    @classmethod
    def _a_folder(cls, folder: Path | None) -> Path | None:
        if folder is not None and not folder.is_dir():
            raise ValueError(f"{folder} is not a folder; expected a folder of templates (digest.html, digest.txt, …)")
        return folder

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, name: str) -> str:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {name!r}; expected e.g. Asia/Ho_Chi_Minh") from None
        return name

    def today(self) -> dt.date:
        """Today's date where the plan is watched."""
        return dt.datetime.now(ZoneInfo(self.timezone)).date()

    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'plan-monitor.db'}"

    def effective_inbox(self) -> Path:
        return self.inbox or self.data_dir / "inbox"

    def file_limits(self) -> limits.Limits:
        """The limits a data file is read within."""
        return limits.Limits(
            file_bytes=int(self.max_file_mb * limits.MB),
            unzipped_bytes=int(self.max_unzipped_mb * limits.MB),
            zip_ratio=self.max_zip_ratio,
            rows=self.max_rows,
            cell_chars=self.max_cell_chars,
        )

    def effective_public_url(self) -> str:
        """The portal's address for links: `public_url`, else where it listens."""
        return (self.public_url or f"http://{self.web_host}:{self.web_port}").rstrip("/")

    def effective_mail_dir(self) -> Path:
        return self.mail_dir or self.data_dir / "mail"

    def shown(self) -> dict[str, object]:
        """The effective settings as a person should see them: secrets masked."""
        values: dict[str, object] = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, SecretStr):
                value = SECRET
            elif isinstance(value, Path):
                value = str(value)
            elif name == "targets":
                value = os.pathsep.join(str(folder) for folder in value)
            values[name] = value
        values["database_url"] = _masked_url(self.effective_database_url())
        values["inbox"] = str(self.effective_inbox())
        values["mail_dir"] = str(self.effective_mail_dir())
        return values


def _masked_url(url: str) -> str:
    """A database URL with its password masked, in the credentials or in the query."""
    head, sep, tail = url.partition("://")
    if not sep:
        return url
    location, mark, query = tail.partition("?")
    if "@" in location:
        credentials, _, host = location.rpartition("@")
        user, colon, _ = credentials.partition(":")
        location = f"{user}:{SECRET}@{host}" if colon else location
    if mark:
        pairs = urllib.parse.parse_qsl(query, keep_blank_values=True)
        shown = [(k, SECRET if k.lower() in ("password", "passwd") else v) for k, v in pairs]
        query = urllib.parse.urlencode(shown, safe="*")
    return f"{head}://{location}{mark}{query}"
