"""Settings, from the environment (``PLAN_MONITOR_…``) with embedded defaults that need no set-up."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
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

    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'plan-monitor.db'}"

    def effective_inbox(self) -> Path:
        return self.inbox or self.data_dir / "inbox"
