"""Several plans in one store: every plan's thing names its plan (province and year)

Revision ID: 0008
Revises: 0007

A store made before held one plan's figures, runs and alerts, without saying which plan. The rows
are given the key of the plan named by `plan-monitor db upgrade` (the one plan configured, or its
`--plan`), handed to the migration as the Alembic attribute "plan". A store with rows and no plan
named is refused, unchanged: guessing could file a year's figures under the wrong plan. An empty
store needs no name.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from monitor.store.database import PlanNotNamedError

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

TABLES = (
    "ingestion", "observation", "evaluation_run", "alert", "silence", "acknowledgement", "outbox",
    "submission", "comment",
)  # fmt: skip

OLD_ALERT_KEY, NEW_ALERT_KEY = "alert_target_id_breakdown_kind_key", "alert_plan_target_id_breakdown_kind_key"
OLD_FILE_KEY, NEW_FILE_KEY = "ingestion_sha256_key", "ingestion_plan_sha256_key"


def _ingestion(unique: tuple[str, ...], name: str) -> sa.Table:
    """The ingestion table, with `plan` and the unique key given (a file is taken once per plan)."""
    return sa.Table(
        "ingestion", sa.MetaData(),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan", sa.String(length=64), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("submitter", sa.String(length=64), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(*unique, name=name),
    )  # fmt: skip


def _alert(unique: tuple[str, ...], name: str) -> sa.Table:
    """The alert table, with `plan` and the unique key given: what SQLite rebuilds it as (its
    unnamed unique key of 0002 cannot be dropped by name)."""
    return sa.Table(
        "alert", sa.MetaData(),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan", sa.String(length=64), nullable=False),
        sa.Column("target_id", sa.String(length=64), nullable=False),
        sa.Column("breakdown", sa.String(length=130), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("periods_held", sa.Integer(), nullable=False),
        sa.Column("last_period", sa.String(length=32), nullable=True),
        sa.Column("escalated", sa.Boolean(), nullable=False),
        sa.Column("since", sa.Date(), nullable=True),
        sa.Column("last_as_of", sa.Date(), nullable=True),
        sa.Column("last_notified_as_of", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(*unique, name=name),
    )  # fmt: skip


def _plan_of_rows(connection: sa.Connection) -> str:
    config = op.get_context().config
    named = config.attributes.get("plan") if config is not None else None
    if named:
        return str(named)
    for table in ("ingestion", "evaluation_run", "alert", "silence", "acknowledgement", "outbox", "job_run"):
        if connection.execute(sa.text(f"SELECT 1 FROM {table} LIMIT 1")).first() is not None:
            raise PlanNotNamedError(
                f"the store holds one plan's rows (table {table}) and does not say which plan they are; "
                "run plan-monitor db upgrade with PLAN_MONITOR_TARGETS naming that plan's folder "
                "(or with --plan KEY when several plans are configured)"
            )
    return ""


def upgrade() -> None:
    connection = op.get_bind()
    plan = _plan_of_rows(connection)
    sqlite = connection.dialect.name == "sqlite"
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("plan", sa.String(length=64), nullable=False, server_default=plan))
    for table in TABLES:  # the key was only the old rows' default: a new row always names its plan
        if sqlite and table in ("alert", "ingestion"):  # SQLite cannot drop their unnamed unique keys: rebuilt
            rebuilt = (
                _alert(("plan", "target_id", "breakdown", "kind"), NEW_ALERT_KEY)
                if table == "alert"
                else _ingestion(("plan", "sha256"), NEW_FILE_KEY)
            )
            with op.batch_alter_table(table, recreate="always", copy_from=rebuilt):
                pass
            continue
        with op.batch_alter_table(table) as batch:
            batch.alter_column("plan", server_default=None, existing_type=sa.String(length=64))
    with op.batch_alter_table("evaluation_run") as batch:
        batch.create_index(batch.f("ix_evaluation_run_plan"), ["plan"], unique=False)
    with op.batch_alter_table("observation") as batch:
        batch.drop_index("observation_current_key")
        batch.create_index(
            "observation_current_key", ["plan", "target_id", "breakdown", "period"], unique=True,
            sqlite_where=sa.text("is_current = 1"), postgresql_where=sa.text("is_current"),
        )  # fmt: skip
    if not sqlite:
        op.drop_constraint(OLD_ALERT_KEY, "alert", type_="unique")
        op.create_unique_constraint(NEW_ALERT_KEY, "alert", ["plan", "target_id", "breakdown", "kind"])
        op.drop_constraint(OLD_FILE_KEY, "ingestion", type_="unique")
        op.create_unique_constraint(NEW_FILE_KEY, "ingestion", ["plan", "sha256"])
    # job_run's key becomes (job, plan): the cron jobs' memory is the plan's, the others' the store's.
    op.create_table(
        "job_run_by_plan",
        sa.Column("job_id", sa.String(length=32), nullable=False),
        sa.Column("plan", sa.String(length=64), nullable=False),
        sa.Column("last_run_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("job_id", "plan"),
    )
    op.execute(
        sa.text(
            "INSERT INTO job_run_by_plan (job_id, plan, last_run_at) SELECT job_id, "
            "CASE WHEN job_id IN ('evaluate', 'overdue', 'weekly') THEN :plan ELSE '' END, last_run_at FROM job_run"
        ).bindparams(plan=plan)
    )
    op.drop_table("job_run")
    op.rename_table("job_run_by_plan", "job_run")
    if not sqlite:  # PostgreSQL names the key after the table it was made for
        op.execute("ALTER TABLE job_run RENAME CONSTRAINT job_run_by_plan_pkey TO job_run_pkey")


def downgrade() -> None:
    op.create_table(
        "job_run_one_plan",
        sa.Column("job_id", sa.String(length=32), nullable=False),
        sa.Column("last_run_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("job_id"),
    )
    op.execute(
        "INSERT INTO job_run_one_plan (job_id, last_run_at) "
        "SELECT job_id, MAX(last_run_at) FROM job_run GROUP BY job_id"
    )
    op.drop_table("job_run")
    op.rename_table("job_run_one_plan", "job_run")
    if op.get_bind().dialect.name != "sqlite":
        op.execute("ALTER TABLE job_run RENAME CONSTRAINT job_run_one_plan_pkey TO job_run_pkey")
    if op.get_bind().dialect.name == "sqlite":
        old_key = ("target_id", "breakdown", "kind")
        with op.batch_alter_table("alert", recreate="always", copy_from=_alert(old_key, OLD_ALERT_KEY)):
            pass
        with op.batch_alter_table("ingestion", recreate="always", copy_from=_ingestion(("sha256",), OLD_FILE_KEY)):
            pass
    else:
        op.drop_constraint(NEW_ALERT_KEY, "alert", type_="unique")
        op.create_unique_constraint(OLD_ALERT_KEY, "alert", ["target_id", "breakdown", "kind"])
        op.drop_constraint(NEW_FILE_KEY, "ingestion", type_="unique")
        op.create_unique_constraint(OLD_FILE_KEY, "ingestion", ["sha256"])
    with op.batch_alter_table("observation") as batch:
        batch.drop_index("observation_current_key")
        batch.create_index(
            "observation_current_key", ["target_id", "breakdown", "period"], unique=True,
            sqlite_where=sa.text("is_current = 1"), postgresql_where=sa.text("is_current"),
        )  # fmt: skip
    with op.batch_alter_table("evaluation_run") as batch:
        batch.drop_index(batch.f("ix_evaluation_run_plan"))
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("plan")
