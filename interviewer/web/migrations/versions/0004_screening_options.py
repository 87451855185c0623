"""Screenings that take spoken answers and screenings put away (archived); a recruiter's
choice of language for the recruiter pages (none: the browser's)."""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    with op.batch_alter_table("screenings") as table:
        table.add_column(sa.Column("spoken", sa.Boolean, nullable=False, server_default=sa.false()))
        table.add_column(sa.Column("archived", sa.Boolean, nullable=False, server_default=sa.false()))
    with op.batch_alter_table("recruiters") as table:
        table.add_column(sa.Column("language", sa.String(20), nullable=True))
