"""gedeelde opslag: kolommen die in de client worden verzegeld zijn TEXT op een server

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 14:10:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0008'
down_revision: Union[str, Sequence[str], None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# On a store on a PostgreSQL server these columns hold values sealed in the client (issue 15,
# casusoverleg/store/sealed.py), which are longer than the plain text: PostgreSQL enforces a
# VARCHAR's length, and a DATE cannot hold sealed text. An embedded (SQLite) store keeps its
# columns as they are: SQLite does not enforce lengths, and its file is encrypted as a whole.
TO_TEXT = {
    'case_file': ('first_name', 'last_name', 'birth_date', 'school', 'expert_name',
                  'parents_involved_how'),
    'agenda_item': ('title', 'reason'),
    'access_request': ('requested_by', 'relation'),
}
LENGTHS = {
    ('case_file', 'first_name'): 200, ('case_file', 'last_name'): 200,
    ('case_file', 'school'): 200, ('case_file', 'expert_name'): 200,
    ('case_file', 'parents_involved_how'): 300, ('agenda_item', 'title'): 300,
    ('agenda_item', 'reason'): 300, ('access_request', 'requested_by'): 200,
    ('access_request', 'relation'): 40,
}


def upgrade() -> None:
    """Upgrade schema."""
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table, columns in TO_TEXT.items():
        for column in columns:
            op.alter_column(table, column, type_=sa.Text(),
                            postgresql_using=f'{column}::text')


def downgrade() -> None:
    """Downgrade schema (only a server store that holds no sealed values yet)."""
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table, columns in TO_TEXT.items():
        for column in columns:
            if column == 'birth_date':
                op.alter_column(table, column, type_=sa.Date(),
                                postgresql_using=f'{column}::date')
            else:
                op.alter_column(table, column, type_=sa.String(LENGTHS[(table, column)]))
