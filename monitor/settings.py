"""Settings, from the environment (``PLAN_MONITOR_…``) with embedded defaults that need no set-up."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """What the program needs to know about its surroundings. Secrets never come from rule files."""

    model_config = SettingsConfigDict(env_prefix="PLAN_MONITOR_", extra="forbid")

    database_url: str | None = Field(
        None, description="SQLAlchemy URL; a SQLite file under data_dir if unset; postgresql://… for PostgreSQL"
    )
    data_dir: Path = Field(Path("var"), description="where the default SQLite file, the inbox and the outbox live")
    targets: Path = Field(Path("targets"), description="the folder of rule files")
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
    templates: Path | None = Field(None, description="a folder of templates that replace the shipped ones")
    repeat_days: int = Field(7, ge=1, le=90, description="days before a firing alert is sent again")

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

    def effective_mail_dir(self) -> Path:
        return self.mail_dir or self.data_dir / "mail"
