"""Alembic environment: runs on the connection the app passes in (never opens a store itself)."""

from alembic import context

from casusoverleg.store.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
