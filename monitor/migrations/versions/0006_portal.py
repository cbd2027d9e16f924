"""The departments' portal: sign-in links, link requests, sessions, submissions, comments

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _moment(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "sign_in_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nonce_hash", sa.String(length=64), nullable=False),
        sa.Column("department_id", sa.String(length=64), nullable=False),
        _moment("created_at"),
        _moment("expires_at"),
        _moment("used_at", nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("nonce_hash"),
    )
    op.create_table(
        "sign_in_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=255), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        _moment("at"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("sign_in_request") as batch:
        batch.create_index(batch.f("ix_sign_in_request_address"), ["address"], unique=False)
        batch.create_index(batch.f("ix_sign_in_request_client"), ["client"], unique=False)
        batch.create_index(batch.f("ix_sign_in_request_at"), ["at"], unique=False)
    op.create_table(
        "web_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("department_id", sa.String(length=64), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        _moment("created_at"),
        _moment("expires_at"),
        _moment("ended_at", nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_table(
        "submission",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=True),
        sa.Column("file_name", sa.String(length=255), nullable=True),
        sa.Column("ingestion_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("summary", sa.String(), nullable=False),
        _moment("at"),
        sa.ForeignKeyConstraint(["ingestion_id"], ["ingestion.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("submission") as batch:
        batch.create_index(batch.f("ix_submission_department_id"), ["department_id"], unique=False)
    op.create_table(
        "comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.String(length=64), nullable=False),
        sa.Column("breakdown", sa.String(length=130), nullable=False),
        sa.Column("period", sa.String(length=32), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        _moment("created_at"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("comment") as batch:
        batch.create_index(batch.f("ix_comment_target_id"), ["target_id"], unique=False)


def downgrade() -> None:
    for table in ("comment", "submission", "web_session", "sign_in_request", "sign_in_link"):
        op.drop_table(table)
