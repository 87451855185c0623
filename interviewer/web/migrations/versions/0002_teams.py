"""Teams and roles, server-side sessions, the audit log and shared rate-limit counters.

Recruiters and screenings that existed before teams join one team, "default", whose oldest
recruiter becomes its owner."""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    op.create_table(
        "teams",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
    )
    with op.batch_alter_table("recruiters") as table:
        table.add_column(
            sa.Column("team_id", sa.Integer, sa.ForeignKey("teams.id", name="fk_recruiter_team"))
        )
        table.add_column(sa.Column("role", sa.String(20), nullable=False, server_default="recruiter"))
        table.add_column(sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()))
    with op.batch_alter_table("screenings") as table:
        table.add_column(
            sa.Column("team_id", sa.Integer, sa.ForeignKey("teams.id", name="fk_screening_team"))
        )
    _join_default_team()
    op.create_index("ix_recruiters_team_id", "recruiters", ["team_id"])
    op.create_index("ix_screenings_team_id", "screenings", ["team_id"])
    op.create_table(
        "sessions",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("recruiter_id", sa.Integer, sa.ForeignKey("recruiters.id"), nullable=False, index=True),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seen", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("team_id", sa.Integer, sa.ForeignKey("teams.id"), nullable=False, index=True),
        sa.Column("recruiter_id", sa.Integer, sa.ForeignKey("recruiters.id"), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("target", sa.String(300), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "rate_counters",
        sa.Column("key", sa.String(300), primary_key=True),
        sa.Column("hits", sa.Integer, nullable=False),
        sa.Column("expires", sa.Float, nullable=False),
    )


def _join_default_team() -> None:
    """Earlier recruiters and screenings: one team, its oldest recruiter the owner."""
    bind = op.get_bind()
    first = bind.execute(sa.text("SELECT min(id) FROM recruiters")).scalar()
    if first is None:
        return
    bind.execute(sa.text("INSERT INTO teams (name, created) VALUES ('default', CURRENT_TIMESTAMP)"))
    team = bind.execute(sa.text("SELECT id FROM teams WHERE name = 'default'")).scalar()
    bind.execute(sa.text("UPDATE recruiters SET team_id = :team"), {"team": team})
    bind.execute(sa.text("UPDATE recruiters SET role = 'owner' WHERE id = :first"), {"first": first})
    bind.execute(sa.text("UPDATE screenings SET team_id = :team"), {"team": team})
