"""agenda, verslag en actiepunten: vaststelling, dag van afspraak, indexen

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 02:11:58.398592

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0003'
down_revision: Union[str, Sequence[str], None] = '0002'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    # recreate="never" throughout: SQLite adds columns and indexes in place, and recreating
    # `meeting` or `agenda_item` with foreign_keys=ON would cascade-delete their children.
    with op.batch_alter_table('meeting', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('minutes_fixed_at_id', sa.Integer(), nullable=True))

    with op.batch_alter_table('action_item', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('created_on', sa.Date(), nullable=True))
        batch_op.create_index('ix_action_item_agenda_item_id', ['agenda_item_id'], unique=False)
        batch_op.create_index('ix_action_item_case_id', ['case_id'], unique=False)
    # Existing actions were agreed at their meeting, or else on the day they were made.
    op.execute(
        "UPDATE action_item SET created_on = COALESCE("
        "(SELECT meeting.date FROM agenda_item JOIN meeting ON meeting.id = agenda_item.meeting_id"
        " WHERE agenda_item.id = action_item.agenda_item_id), date(created_at))"
    )

    with op.batch_alter_table('agenda_item', schema=None, recreate='never') as batch_op:
        batch_op.create_index('ix_agenda_item_case_id', ['case_id'], unique=False)
        batch_op.create_index('ix_agenda_item_meeting_id', ['meeting_id', 'position'], unique=False)

    with op.batch_alter_table('minutes_entry', schema=None, recreate='never') as batch_op:
        batch_op.create_index('ix_minutes_entry_agenda_item_id', ['agenda_item_id'], unique=False)
        # One entry per agenda item; amendments (amends_id set) come on top of it.
        batch_op.create_index('uq_minutes_entry_agenda_item_id', ['agenda_item_id'], unique=True, sqlite_where=sa.text('amends_id IS NULL'), postgresql_where=sa.text('amends_id IS NULL'))


def downgrade() -> None:
    """Downgrade schema."""
    # ALTER TABLE … DROP COLUMN (SQLite ≥ 3.35), for the same reason as above.
    with op.batch_alter_table('minutes_entry', schema=None, recreate='never') as batch_op:
        batch_op.drop_index('uq_minutes_entry_agenda_item_id', sqlite_where=sa.text('amends_id IS NULL'))
        batch_op.drop_index('ix_minutes_entry_agenda_item_id')

    with op.batch_alter_table('agenda_item', schema=None, recreate='never') as batch_op:
        batch_op.drop_index('ix_agenda_item_meeting_id')
        batch_op.drop_index('ix_agenda_item_case_id')

    with op.batch_alter_table('action_item', schema=None, recreate='never') as batch_op:
        batch_op.drop_index('ix_action_item_case_id')
        batch_op.drop_index('ix_action_item_agenda_item_id')
        batch_op.drop_column('created_on')

    with op.batch_alter_table('meeting', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('minutes_fixed_at_id')
