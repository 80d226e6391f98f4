"""de wet in het dossier: vrijstelling vanaf, inschrijving, terug op school, verklaring art. 7,
ouders en kind, bevestigde regels, afgewogen alternatieven, rol van een account

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 04:20:00.000000

"""
from typing import Any, Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0005'
down_revision: Union[str, Sequence[str], None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def _case_columns() -> list[sa.Column[Any]]:
    return [
        sa.Column('exemption_from', sa.Date(), nullable=True),
        sa.Column('enrolled', sa.Boolean(), nullable=True),
        sa.Column('enrolled_since', sa.Date(), nullable=True),
        sa.Column('back_at_school_on', sa.Date(), nullable=True),
        sa.Column('expert_name', sa.String(length=200), nullable=False, server_default=''),
        sa.Column('expert_profession', sa.String(length=20), nullable=False, server_default=''),
        sa.Column('expert_statement_on', sa.Date(), nullable=True),
        sa.Column('expert_not_treating', sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column('never_fit', sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column('parents_involved_on', sa.Date(), nullable=True),
        sa.Column('parents_involved_how', sa.String(length=300), nullable=False, server_default=''),
        sa.Column('child_heard_on', sa.Date(), nullable=True),
        sa.Column('confirmed_rules', sa.String(length=200), nullable=False, server_default=''),
    ]


def upgrade() -> None:
    """Upgrade schema."""
    # Every new column is empty or false for existing cases: nothing is invented about a child.
    with op.batch_alter_table('case_file', schema=None) as batch_op:
        for column in _case_columns():
            batch_op.add_column(column)
    with op.batch_alter_table('minutes_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'alternatives', sa.String(length=200), nullable=False, server_default=''))
    # Accounts made before roles could already do everything: they become beheerders.
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'role', sa.String(length=20), nullable=False, server_default='MEDEWERKER'))
    op.execute("UPDATE account SET role = 'BEHEERDER'")


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.drop_column('role')
    with op.batch_alter_table('minutes_entry', schema=None) as batch_op:
        batch_op.drop_column('alternatives')
    with op.batch_alter_table('case_file', schema=None) as batch_op:
        for column in reversed(_case_columns()):
            batch_op.drop_column(column.name)
