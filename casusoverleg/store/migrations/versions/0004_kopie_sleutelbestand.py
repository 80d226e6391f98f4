"""kopie van het sleutelbestand in de opslag

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 01:30:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0004'
down_revision: Union[str, Sequence[str], None] = '0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    # The table starts empty: the upgrade runs without the key file's store key checks, so the
    # first unlock after it (services.keycheck.ensure_copy) fills it from the key file.
    op.create_table('key_slot_copy',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account', sa.String(length=80), nullable=False),
    sa.Column('slot', sa.Text(), nullable=False),
    sa.Column('tag', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_key_slot_copy'))
    )
    with op.batch_alter_table('key_slot_copy', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_key_slot_copy_account'), ['account'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('key_slot_copy', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_key_slot_copy_account'))

    op.drop_table('key_slot_copy')
