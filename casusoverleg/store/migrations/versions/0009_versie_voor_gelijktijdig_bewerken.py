"""versie voor gelijktijdig bewerken: een versienummer op casus, agendapunt en verslagregel

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 15:55:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0009'
down_revision: Union[str, Sequence[str], None] = '0008'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# Two people may edit one case, agenda item or minutes entry at once on a shared store
# (issue 15): SQLAlchemy's version_id_col counts each saved change, so that the second save
# of a stale copy is refused as a conflict instead of silently overwriting the first.
TABLES = ('case_file', 'agenda_item', 'minutes_entry')


def upgrade() -> None:
    """Upgrade schema."""
    # Plain ADD COLUMNs on both kinds of store: every existing row starts at version 1.
    for table in TABLES:
        op.add_column(table, sa.Column(
            'version', sa.Integer(), nullable=False, server_default=sa.text('1')))


def downgrade() -> None:
    """Downgrade schema."""
    # Plain DROP COLUMN (SQLite 3.35+): no batch rebuild, so nothing cascades.
    for table in reversed(TABLES):
        op.drop_column(table, 'version')
