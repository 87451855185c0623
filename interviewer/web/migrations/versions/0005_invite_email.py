"""An invite's email address (optional): the invite message is emailed to it when a mail
server is configured, and a new link (resend) goes to it too."""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"


def upgrade() -> None:
    with op.batch_alter_table("invites") as table:
        table.add_column(sa.Column("email", sa.String(320), nullable=True))
