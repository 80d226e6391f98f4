"""een waar verslag: uitkomst per agendapunt, doorgeschoven naar, gekozen uitloop, opmerkingen
bij vaststelling, vaste deelnemers en secretaris van een reeks, geschiedenis van actiepunten

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 07:10:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0006'
down_revision: Union[str, Sequence[str], None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    # Plain ADD COLUMNs (no foreign keys): SQLite adds them in place, so `meeting` and
    # `agenda_item` are not rebuilt and nothing cascades.
    # Items of older meetings keep no outcome: the minutes show what was written, nothing more.
    op.add_column('agenda_item', sa.Column('outcome', sa.String(length=20), nullable=True))
    op.add_column('agenda_item', sa.Column('deferred_to_id', sa.Integer(), nullable=True))
    op.create_index('ix_agenda_item_deferred_to_id', 'agenda_item', ['deferred_to_id'])
    op.add_column('meeting', sa.Column(
        'minutes_fixed_note', sa.Text(), nullable=False, server_default=''))
    op.add_column('meeting', sa.Column(
        'overrun_minutes', sa.Integer(), nullable=False, server_default='0'))
    op.add_column('meeting_series', sa.Column('secretary_id', sa.Integer(), nullable=True))
    op.create_table(
        'series_member',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('series_id', sa.Integer(), nullable=False),
        sa.Column('participant_id', sa.Integer(), nullable=False),
        sa.Column('role', sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ['participant_id'], ['participant.id'],
            name=op.f('fk_series_member_participant_id_participant')),
        sa.ForeignKeyConstraint(
            ['series_id'], ['meeting_series.id'],
            name=op.f('fk_series_member_series_id_meeting_series'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_series_member')),
        sa.UniqueConstraint('series_id', 'participant_id', name=op.f('uq_series_member_series_id')),
    )
    op.create_index('ix_series_member_series_id', 'series_member', ['series_id'])
    op.create_table(
        'action_event',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('action_id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('account', sa.String(length=80), nullable=False),
        sa.Column('on_date', sa.Date(), nullable=True),
        sa.Column('meeting_id', sa.Integer(), nullable=True),
        sa.Column('detail', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ['action_id'], ['action_item.id'],
            name=op.f('fk_action_event_action_id_action_item'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_action_event')),
    )
    op.create_index('ix_action_event_action_id', 'action_event', ['action_id'])
    # The history of existing actions, as far as the store knows it: agreed when made, and
    # done or cancelled on the recorded day. Who did it is not known ('').
    op.execute(
        "INSERT INTO action_event (action_id, at, kind, account, on_date, detail) "
        "SELECT id, created_at, 'AANGEMAAKT', '', created_on, '' FROM action_item"
    )
    op.execute(
        "INSERT INTO action_event (action_id, at, kind, account, on_date, detail) "
        "SELECT id, COALESCE(done_on, created_at), status, '', done_on, '' FROM action_item "
        "WHERE status IN ('GEREED', 'VERVALLEN')"
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index('ix_action_event_action_id', table_name='action_event')
    op.drop_table('action_event')
    op.drop_index('ix_series_member_series_id', table_name='series_member')
    op.drop_table('series_member')
    # Plain DROP COLUMN (SQLite 3.35+): a batch rebuild of `meeting` would drop the table, and
    # with foreign keys on that deletes every agenda item through ON DELETE CASCADE.
    op.drop_column('meeting_series', 'secretary_id')
    op.drop_column('meeting', 'overrun_minutes')
    op.drop_column('meeting', 'minutes_fixed_note')
    op.drop_index('ix_agenda_item_deferred_to_id', table_name='agenda_item')
    op.drop_column('agenda_item', 'deferred_to_id')
    op.drop_column('agenda_item', 'outcome')
