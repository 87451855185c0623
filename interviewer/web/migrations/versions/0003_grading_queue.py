"""The grading queue's tables on PostgreSQL: procrastinate's own schema, applied once. SQLite
grades in threads of the server process and needs nothing."""

from alembic import op

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    from procrastinate.schema import SchemaManager

    bind.exec_driver_sql(SchemaManager.get_schema().replace("%", "%%"))  # no parameters: literal %
