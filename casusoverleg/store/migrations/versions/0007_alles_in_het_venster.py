"""alles in het venster: inzageverzoeken, eenmalig wachtwoord van een account, code van een
deelnemer voor de import

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 10:20:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0007'
down_revision: Union[str, Sequence[str], None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    # Plain ADD COLUMNs: SQLite adds them in place, nothing is rebuilt or cascades.
    op.add_column('account', sa.Column(
        'must_change_passphrase', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column('participant', sa.Column(
        'code', sa.String(length=40), nullable=False, server_default=''))
    op.create_table(
        'access_request',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('received_on', sa.Date(), nullable=False),
        sa.Column('requested_by', sa.String(length=200), nullable=False),
        sa.Column('relation', sa.String(length=40), nullable=False),
        sa.Column('deadline', sa.Date(), nullable=False),
        sa.Column('extended_reason', sa.Text(), nullable=False),
        sa.Column('answered_on', sa.Date(), nullable=True),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('created_by', sa.String(length=80), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['case_id'], ['case_file.id'],
            name=op.f('fk_access_request_case_id_case_file'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_access_request')),
    )
    op.create_index('ix_access_request_case_id', 'access_request', ['case_id'])


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index('ix_access_request_case_id', table_name='access_request')
    op.drop_table('access_request')
    # Plain DROP COLUMN (SQLite 3.35+): no batch rebuild, so nothing cascades.
    op.drop_column('participant', 'code')
    op.drop_column('account', 'must_change_passphrase')
