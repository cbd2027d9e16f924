"""Opening the database: SQLite (WAL) or PostgreSQL, and refusing a schema that does not match.

The schema is changed only by Alembic migrations. A new SQLite file is created and migrated on
first use; any other database whose schema is older or newer than this program is refused with
a message saying what to run.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent.parent / "migrations"
BUSY_TIMEOUT_MS = 120_000  # how long a SQLite writer waits for another: longer than the longest commit
_WRITING = "plan_monitor_writing"  # the execution option of a connection opened by `writing`


class SchemaError(RuntimeError):
    """The database schema does not match this program; the message says what to do."""


class PlanNotNamedError(SchemaError):
    """An upgrade would give a store's rows a plan, and no plan was named; nothing changed."""


class DatabaseURLError(ValueError):
    """A database URL this program cannot use."""


def as_utc(moment: dt.datetime) -> dt.datetime:
    """A stored moment as an aware UTC datetime: SQLite hands them back naive, stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def usable_url(url: str) -> str:
    """`url` as SQLAlchemy is given it (postgresql:// is psycopg's); `DatabaseURLError` for a
    kind of database this program does not run on, or a URL that does not parse."""
    if url.startswith(("postgresql://", "postgres://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    try:
        parsed = sa.make_url(url) if "://" in url else None
    except ValueError:  # the one number of a URL, its port, is not one
        raise DatabaseURLError(
            "invalid database URL: its port is not a number; expected e.g. postgresql://user:password@host:5432/db"
        ) from None
    if parsed is None or not url.startswith(("sqlite:///", "postgresql+psycopg://")):
        shown = parsed.render_as_string() if parsed is not None else url
        raise DatabaseURLError(
            f"unsupported database URL {shown!r}; expected sqlite:///path/to/file.db or postgresql://user:password@host/db"
        )
    if url.startswith("sqlite") and parsed.database in (None, "", ":memory:"):
        raise DatabaseURLError(
            f"the database URL {url!r} names no file: what a command stored in memory would be lost when it "
            "ends; expected sqlite:///path/to/file.db"
        )
    return url


def create_engine(url: str) -> sa.Engine:
    """An engine for `url`; SQLite files get WAL, foreign keys and a busy timeout."""
    url = usable_url(url)
    if url.startswith("sqlite"):
        path = sa.make_url(url).database
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url)
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        sa.event.listen(engine, "begin", _sqlite_begin)
        return engine
    return sa.create_engine(url, pool_pre_ping=True)


@contextmanager
def writing(engine: sa.Engine) -> Iterator[sa.Connection]:
    """A transaction that will write: on SQLite it takes the write lock at its start (BEGIN
    IMMEDIATE), so a second writer waits its turn instead of failing when it first writes after
    a read."""
    with connect_writer(engine) as connection, connection.begin():
        yield connection


def connect_writer(engine: sa.Engine) -> sa.Connection:
    """A connection whose transactions take SQLite's write lock at their start (see `writing`)."""
    return engine.connect().execution_options(**{_WRITING: True})


# The database's failures, not the input's: PEP 249's names, which SQLAlchemy's exceptions and the
# drivers' own (a COPY goes through psycopg directly) both have.
_DATABASE_FAILURES = ("OperationalError", "InterfaceError", "IntegrityError")


def is_database_failure(exc: BaseException) -> bool:
    """Whether `exc` is the database's failure (unreachable, locked, full, raced), whoever raised it."""
    if isinstance(exc, sa.exc.DBAPIError):
        return True
    return any(base.__name__ in _DATABASE_FAILURES for base in type(exc).__mro__)


def database_cause(exc: BaseException) -> str:
    """The database's own words for a failure, on one line (the driver's first line)."""
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def is_locked(exc: BaseException) -> bool:
    """Whether `exc` says another writer held the SQLite store for longer than the busy timeout."""
    return isinstance(exc, sa.exc.OperationalError) and "database is locked" in str(exc.orig)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Transactions are begun by `_sqlite_begin`, not by the driver, so that a writer can take
    # the write lock at once (SQLAlchemy's recipe for pysqlite).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA cache_size=-32768")  # 32 MB of page cache: bulk ingestion builds indexes
    cursor.execute("PRAGMA temp.cache_size=-32768")  # and reads its staging table in key order
    cursor.close()


def _sqlite_begin(connection: sa.Connection) -> None:
    immediate = connection.get_execution_options().get(_WRITING, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _config(connection: sa.Connection | None = None, plan: str | None = None) -> Config:
    from alembic.config import Config  # Alembic is imported by the commands that need it only

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    config.attributes["plan"] = plan
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: sa.Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


_REVISION_LINE = re.compile(r'^(revision|down_revision) = (?:"([^"]+)"|None)$', re.MULTILINE)


def _scripts_head() -> str | None:
    """The head revision of the migration scripts, read from their files as plain text; None when
    that is not plain (a merge, an unusual script): Alembic then says."""
    revisions: set[str] = set()
    parents: set[str | None] = set()
    for script in (MIGRATIONS / "versions").glob("*.py"):
        found = {match[1]: match[2] for match in _REVISION_LINE.finditer(script.read_text(encoding="utf-8"))}
        if set(found) != {"revision", "down_revision"}:
            return None
        revisions.add(found["revision"])
        parents.add(found["down_revision"])
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def _stored_revision(engine: sa.Engine) -> str | None:
    """The revision Alembic's version table records, read without Alembic; None when there is not
    exactly one (Alembic then says what is wrong)."""
    try:
        with engine.connect() as connection:
            rows = connection.exec_driver_sql("SELECT version_num FROM alembic_version").all()
    except sa.exc.DBAPIError:
        return None
    return str(rows[0][0]) if len(rows) == 1 else None


def upgrade(engine: sa.Engine, revision: str = "head", *, plan: str | None = None) -> None:
    """Run the migrations up to `revision` (head by default), in one transaction. `plan` is the key
    of the plan a store made for one plan holds (migration 0008 gives its rows that plan).

    On SQLite the foreign keys are not enforced while a migration rebuilds a table that others
    refer to (SQLite's own recipe), and are checked before the transaction commits."""
    from alembic import command

    _check_known(engine, current_revision(engine))
    sqlite = engine.dialect.name == "sqlite"
    with connect_writer(engine) as connection:
        if sqlite:
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
        try:
            with connection.begin():
                command.upgrade(_config(connection, plan), revision)
                if sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first() is not None:
                    raise SchemaError("the migration would leave rows that refer to missing rows; nothing changed")
        finally:
            if sqlite:
                connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]


def is_empty(engine: sa.Engine) -> bool:
    return not sa.inspect(engine).get_table_names()


def check_schema(engine: sa.Engine) -> None:
    """Raise `SchemaError` unless the database is at this program's head revision."""
    head = _scripts_head()
    if head is not None and _stored_revision(engine) == head:
        return  # the usual case, found without importing Alembic (a command's start-up)
    current, head = current_revision(engine), head_revision()
    if current == head:
        return
    where = engine.url.render_as_string(hide_password=True)
    if current is None:
        raise SchemaError(f"the database {where} has no plan-monitor schema; run: plan-monitor db upgrade")
    _check_known(engine, current)
    raise SchemaError(f"the database {where} is at schema revision {current}, not {head}; run: plan-monitor db upgrade")


def _check_known(engine: sa.Engine, current: str | None) -> None:
    """Raise `SchemaError` if the database is at a revision this program has no script of: a
    later program's, which it must not run on or migrate."""
    from alembic.script import ScriptDirectory

    known = {rev.revision for rev in ScriptDirectory.from_config(_config()).walk_revisions()}
    if current is not None and current not in known:
        where = engine.url.render_as_string(hide_password=True)
        raise SchemaError(
            f"the database {where} is at schema revision {current}, newer than this program knows "
            f"(latest {head_revision()}); upgrade plan-monitor"
        )


def open_database(url: str) -> sa.Engine:
    """An engine on a database whose schema matches; a new SQLite file is created and migrated."""
    engine = create_engine(url)
    if engine.dialect.name == "sqlite" and is_empty(engine):
        upgrade(engine)
    check_schema(engine)
    return engine
