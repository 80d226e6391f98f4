"""overlegreeksen: which series date a meeting stands in for, and meetings by series

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 02:07:52.730558

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0002'
down_revision: Union[str, Sequence[str], None] = '0001'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    # recreate="never": SQLite adds a column and an index in place. Recreating `meeting` would
    # drop it with foreign_keys=ON, and the cascade would empty attendance and the agenda.
    with op.batch_alter_table('meeting', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('original_date', sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f('ix_meeting_series_id'), ['series_id'], unique=False)
    # Meetings planned before this revision were never moved by the engine: the date they
    # have is the series date they were generated for.
    op.execute("UPDATE meeting SET original_date = date WHERE series_id IS NOT NULL")


def downgrade() -> None:
    """Downgrade schema."""
    # ALTER TABLE … DROP COLUMN (SQLite ≥ 3.35) for the same reason as above.
    with op.batch_alter_table('meeting', schema=None, recreate='never') as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_series_id'))
        batch_op.drop_column('original_date')
