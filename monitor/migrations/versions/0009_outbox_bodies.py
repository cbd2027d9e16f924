"""The outbox messages' bodies in a table of their own: a claim or an outcome rewrites a small row

Revision ID: 0009
Revises: 0008

A message's body (a digest with its charts, about 135 KB) was a column of its outbox row, so that
SQLite wrote the whole body again each time a sender claimed the message and each time it
recorded how the delivery went. The bodies move, unchanged, to `outbox_body`, one row a message,
deleted with their message.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox_body",
        sa.Column("outbox_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("message", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["outbox_id"], ["outbox.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("outbox_id"),
    )
    op.execute("INSERT INTO outbox_body (outbox_id, message) SELECT id, message FROM outbox")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("message")


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("message", sa.LargeBinary(), nullable=True))
    op.execute("UPDATE outbox SET message = (SELECT b.message FROM outbox_body AS b WHERE b.outbox_id = outbox.id)")
    with op.batch_alter_table("outbox") as batch:
        batch.alter_column("message", existing_type=sa.LargeBinary(), nullable=False)
    op.drop_table("outbox_body")
