"""Use cases, one module per area. Plain Python in, dataclasses out; never ORM objects."""
