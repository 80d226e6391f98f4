"""Sealing as ORM events: objects hold plain text, the server only ever receives sealed values.

`install_sealing(factory, key)` installs it on one sessionmaker (or one Session) of a server
store; SQLCipher stores (encrypted as a whole file) are left alone. What it does:

- before a flush: every sealed column (`sealed.SEALED_COLUMNS`) of a new object, and every
  changed one of a modified object, is set to its sealed text. A new row's id is bound into
  its values, so it is taken from the table's sequence first (PostgreSQL).
- after the flush: the objects hold their plain values again, as committed values (not dirty).
- on load and refresh: the sealed values read are opened; one that does not open raises
  DamagedStore (errors.py).
- a SELECT of columns (`select(Case.id, Case.first_name)`): the rows come back with their
  sealed columns opened, each with its table's id from the same row, so the statement must
  select that id too (RuntimeError if not: a programming error). Entities in a row are left to
  the load event. The server cannot compare, sort or group sealed values: a SELECT that puts a
  sealed column in its WHERE, HAVING, ORDER BY or GROUP BY (other than IS [NOT] NULL), or
  computes something from one other than count(), is refused (RuntimeError); such filtering and
  sorting happens in the client on a server store (cases.list_cases).

Statements (`update(Case).values(...)`, `session.execute(insert(Case), rows)`) bypass the unit
of work and so this sealing: in a sealing session one that writes a sealed column is refused
(RuntimeError) rather than sending plain text to the server. Raw SQL (`text()`) and a bare
Connection are not watched.
"""

from __future__ import annotations

import functools
from datetime import date
from typing import Any

from sqlalchemy import (
    Column,
    Date,
    Result,
    Row,
    String,
    Table,
    Text,
    TypeDecorator,
    event,
    inspect,
    literal,
    text,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import ORMExecuteState, QueryContext, Session, UOWTransaction, sessionmaker
from sqlalchemy.orm.attributes import get_history, set_committed_value
from sqlalchemy.orm.base import PASSIVE_NO_INITIALIZE
from sqlalchemy.orm.state import InstanceState
from sqlalchemy.sql import operators, visitors
from sqlalchemy.sql.elements import BinaryExpression, ClauseElement, Label
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeEngine

from casusoverleg.errors import DamagedStore
from casusoverleg.store.models import Base
from casusoverleg.store.sealed import SEALED_COLUMNS, open_date, open_sealed, seal

_KEY = "casusoverleg.sealing.key"
# The keys that open values: the sealing key first, then any other one a re-key of the store
# still needs (services/server_accounts.py: values not yet re-sealed under the new key).
_OPENING = "casusoverleg.sealing.opening"
_PENDING = "casusoverleg.sealing.pending"
_instance_events_installed = False


def install_sealing(
    target: sessionmaker[Session] | Session, key: bytes, *, also: tuple[bytes, ...] = ()
) -> None:
    """Seal the children's columns for every session of `target` (a server store's factory).

    Values are sealed with `key` and opened with `key` or, failing that, each of `also` (the
    other key a re-key of the store still needs)."""
    if len(key) != 32 or any(len(other) != 32 for other in also):
        raise ValueError("the sealing key is 32 bytes (sealed.column_key)")
    if isinstance(target, sessionmaker):
        info: dict[str, Any] = target.kw.setdefault("info", {})
    else:
        info = target.info
    if _KEY in info:
        raise ValueError("sealing is already installed here")
    info[_KEY] = key
    info[_OPENING] = (key, *also)
    event.listen(target, "before_flush", _before_flush)
    event.listen(target, "after_flush_postexec", _after_flush_postexec)
    event.listen(target, "after_soft_rollback", _after_soft_rollback)
    event.listen(target, "do_orm_execute", _refuse_unsealed_writes)
    event.listen(target, "do_orm_execute", _open_selected)
    _install_instance_events()


def set_keys(session: Session, key: bytes, *, also: tuple[bytes, ...] = ()) -> None:
    """Seal with `key` from now on in this (sealing) session; open with it or one of `also`."""
    if _KEY not in session.info:
        raise ValueError("sealing is not installed on this session")
    if len(key) != 32 or any(len(other) != 32 for other in also):
        raise ValueError("the sealing key is 32 bytes (sealed.column_key)")
    session.info[_KEY] = key
    session.info[_OPENING] = (key, *also)


def open_value(
    keys: tuple[bytes, ...], table: str, column: str, row_id: int, text: str | None, is_date: bool
) -> object:
    """A sealed value opened with the first of `keys` that fits; DamagedStore if none does."""
    opener = open_date if is_date else open_sealed
    for key in keys[:-1]:
        try:
            return opener(key, table, column, row_id, text)
        except DamagedStore:
            continue
    return opener(keys[-1], table, column, row_id, text)


def columns_needing_text() -> list[tuple[str, str, str]]:
    """(table, column, server type) of sealed columns that are not TEXT on a server store.

    A sealed value is longer than its plain text (prefix, nonce, tag, base64: about 4/3 of the
    UTF-8 bytes plus 43 characters), so a VARCHAR(n) the server enforces would refuse it, and a
    DATE cannot hold it at all. The models make them TEXT there (models.sealable, SealableDate;
    migration 0008): this list is empty, and a test keeps it so.
    """
    server = postgresql.dialect()
    needed = []
    for table, columns in SEALED_COLUMNS.items():
        for name in columns:
            column_type = Base.metadata.tables[table].c[name].type.dialect_impl(server)
            if isinstance(column_type, TypeDecorator):
                column_type = column_type.load_dialect_impl(server)
            if not (isinstance(column_type, String) and column_type.length is None):
                needed.append((table, name, str(column_type.compile(dialect=server))))
    return needed


def _install_instance_events() -> None:
    """Load and refresh events for every model; they act only in sessions that seal."""
    global _instance_events_installed
    if not _instance_events_installed:
        event.listen(Base, "load", _on_load, propagate=True)
        event.listen(Base, "refresh", _on_refresh, propagate=True)
        _instance_events_installed = True


def _sealed_columns(state: InstanceState[Any]) -> tuple[str, tuple[str, ...]]:
    table = state.mapper.local_table
    name = str(getattr(table, "name", ""))
    return name, SEALED_COLUMNS.get(name, ())


def _plain_text(value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot seal a {type(value).__name__}")


def _next_ids(session: Session, table: str, count: int) -> list[int]:
    """New rows' ids taken from their table's sequence (one round trip), so they can be bound
    into the sealed values before the insert."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        raise RuntimeError("sealing takes new row ids from a PostgreSQL sequence")
    values = connection.scalars(
        text(
            "SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :count)"
        ),
        {"table": table, "count": count},
    )
    return sorted(int(value) for value in values)


def _default(state: InstanceState[Any], column: str) -> object:
    """What the insert would write for a column the object leaves unset: its scalar default."""
    default = state.mapper.columns[column].default
    if default is not None and default.is_scalar:
        return getattr(default, "arg", None)
    return None


def _put(
    session: Session, state: InstanceState[Any], table: str, column: str, value: object
) -> None:
    key: bytes = session.info[_KEY]
    row_id = int(state.dict["id"])
    sealed = seal(key, table, column, row_id, _plain_text(value))
    if sealed is None or isinstance(state.mapper.columns[column].type, String):
        setattr(state.obj(), column, sealed)
    else:
        # A column typed otherwise (a Date) is bound as text, so a store whose column was not
        # made TEXT refuses the value loudly instead of holding it in plain.
        setattr(state.obj(), column, literal(sealed, Text()))
    session.info.setdefault(_PENDING, []).append((state, column, value))


def _before_flush(session: Session, _context: UOWTransaction, _instances: object) -> None:
    new: dict[str, list[InstanceState[Any]]] = {}
    for obj in session.new:
        state = inspect(obj)
        table, columns = _sealed_columns(state)
        if columns:
            new.setdefault(table, []).append(state)
    for table, states in new.items():
        states.sort(key=lambda state: state.insert_order or 0)  # ids rise in the order added
        without = [state for state in states if state.dict.get("id") is None]
        for state, row_id in zip(without, _next_ids(session, table, len(without)), strict=True):
            obj = state.obj()
            if obj is not None:
                obj.id = row_id
        for state in states:
            for column in SEALED_COLUMNS[table]:
                value = state.dict[column] if column in state.dict else _default(state, column)
                _put(session, state, table, column, value)
    for obj in list(session.dirty):
        state = inspect(obj)
        table, columns = _sealed_columns(state)
        for column in columns:
            if get_history(obj, column, passive=PASSIVE_NO_INITIALIZE).has_changes():
                _put(session, state, table, column, state.dict[column])


def _after_flush_postexec(session: Session, _context: UOWTransaction) -> None:
    for state, column, value in session.info.pop(_PENDING, []):
        obj = state.obj()
        if obj is not None:
            set_committed_value(obj, column, value)


def _after_soft_rollback(session: Session, _previous: object) -> None:
    """A failed flush: the objects get their plain values back (still to be written)."""
    for state, column, value in session.info.pop(_PENDING, []):
        obj = state.obj()
        if obj is not None and column in state.dict:
            setattr(obj, column, value)


def _written_columns(state: ORMExecuteState) -> set[str]:
    """The names of the columns an INSERT or UPDATE statement (with its parameters) writes."""
    names: set[str] = set()
    statement: Any = state.statement
    for values in [getattr(statement, "_values", None), *(getattr(statement, "_multi_values", ()))]:
        for rows in [values] if isinstance(values, dict) else (values or ()):
            for row in rows if isinstance(rows, list) else [rows]:
                names.update(str(getattr(k, "key", k)) for k in (row or {}))
    parameters = state.parameters
    for row in parameters if isinstance(parameters, list) else [parameters or {}]:
        names.update(str(k) for k in row)
    return names


def _refuse_unsealed_writes(state: ORMExecuteState) -> None:
    if not (state.is_insert or state.is_update):
        return
    table = str(getattr(getattr(state.statement, "table", None), "name", ""))
    written = _written_columns(state) & set(SEALED_COLUMNS.get(table, ()))
    if written:
        raise RuntimeError(
            f"{table}: {', '.join(sorted(written))} would be written unsealed; "
            "a sealing session writes these through ORM objects only"
        )


@functools.cache
def date_columns(table: str) -> frozenset[str]:
    """The sealed columns of `table` that hold dates (sealed as their ISO text)."""
    return frozenset(
        name
        for name in SEALED_COLUMNS.get(table, ())
        if _holds_dates(Base.metadata.tables[table].c[name].type)
    )


def _holds_dates(column_type: TypeEngine[Any]) -> bool:
    """A DATE, or a type built on one (models.SealableDate)."""
    if isinstance(column_type, TypeDecorator):
        column_type = column_type.impl_instance
    return isinstance(column_type, Date)


def _open(state: InstanceState[Any], keys: tuple[bytes, ...], attrs: Any) -> None:
    table, columns = _sealed_columns(state)
    if not columns or state.identity is None:
        return
    row_id = int(state.identity[0])
    dates = date_columns(table)
    values = state.dict
    for column in columns:
        if (attrs is not None and column not in attrs) or column not in values:
            continue
        value = open_value(keys, table, column, row_id, values[column], column in dates)
        if column in state.committed_state:
            set_committed_value(state.obj(), column, value)
        else:
            values[column] = value  # just loaded: the same as set_committed_value, 3x cheaper


def _key_of(context: QueryContext | None) -> tuple[bytes, ...] | None:
    # No context: Session.merge() copied the values from a given (plain) object; nothing to open.
    session = None if context is None else context.session
    return None if session is None else session.info.get(_OPENING)


def _on_load(target: object, context: QueryContext | None) -> None:
    key = _key_of(context)
    if key is not None:
        _open(inspect(target), key, None)


def _on_refresh(target: object, context: QueryContext | None, attrs: Any) -> None:
    key = _key_of(context)
    if key is not None:
        _open(inspect(target), key, attrs)


def _sealed_origin(element: object) -> Column[Any] | None:
    """The table column a selected or compared element is, if that column is sealed."""
    while isinstance(element, Label):
        element = element.element
    for proxy in getattr(element, "proxy_set", ()):
        table = getattr(proxy, "table", None)
        if (
            isinstance(proxy, Column)
            and isinstance(table, Table)
            and proxy.name in SEALED_COLUMNS.get(table.name, ())
        ):
            return proxy
    return None


def _is_table_id(element: object, table: Table) -> bool:
    while isinstance(element, Label):
        element = element.element
    return any(
        isinstance(proxy, Column) and proxy.table is table and proxy.name == "id"
        for proxy in getattr(element, "proxy_set", ())
    )


def _from_of(element: object) -> object:
    """The FROM object (a table, or an alias of it) a column element is read from."""
    while isinstance(element, Label):
        element = element.element
    table = getattr(element, "table", None)
    return getattr(table, "_deannotate", lambda: table)()


def _refused_clauses(statement: Any) -> list[ClauseElement]:
    clauses: list[ClauseElement] = []
    for name in ("whereclause", "_having_criteria", "_order_by_clauses", "_group_by_clauses"):
        value = getattr(statement, name, None)
        if isinstance(value, ClauseElement):
            clauses.append(value)
        elif isinstance(value, (tuple, list)):
            clauses.extend(v for v in value if isinstance(v, ClauseElement))
    return clauses


def _refuse_server_comparisons(statement: Any) -> None:
    """A sealed column compared, sorted or grouped on by the server: a programming error."""
    for clause in _refused_clauses(statement):
        allowed: set[int] = set()
        for element in visitors.iterate(clause):
            if isinstance(element, BinaryExpression) and element.operator in (
                operators.is_,
                operators.is_not,
            ):
                allowed.add(id(element.left))
            origin = _sealed_origin(element) if id(element) not in allowed else None
            if origin is not None and isinstance(origin.table, Table):
                raise RuntimeError(
                    f"{origin.table.name}.{origin.name} is sealed on a server store: the "
                    "server cannot filter, sort or group on it; do that in the client"
                )


def _selected(statement: Any) -> list[tuple[int, Any]] | None:
    """(position, column element) of each non-entity column a SELECT returns, or None when
    the statement is not a plain select of entities and columns."""
    try:
        descriptions = statement.column_descriptions
    except (AttributeError, NotImplementedError):
        # A UNION and the like: its rows would come back sealed, so refuse one that has any.
        for element in getattr(statement, "selected_columns", ()):
            origin = _sealed_origin(element)
            if origin is not None and isinstance(origin.table, Table):
                raise RuntimeError(
                    f"{origin.table.name}.{origin.name} is sealed on a server store: select "
                    "it in a plain SELECT (with its table's id), not a UNION or the like"
                ) from None
        return None
    selected = []
    for position, description in enumerate(descriptions):
        expr = description.get("expr")
        if description.get("entity") is not None and expr is description.get("entity"):
            continue  # a whole entity: opened by the load event
        element = expr.__clause_element__() if hasattr(expr, "__clause_element__") else expr
        selected.append((position, element))
    return selected


def _opener(selected: list[tuple[int, Any]]) -> list[tuple[int, int, str, str, bool]]:
    """(value position, id position, table, column, is a date) for each sealed column."""
    plan = []
    for position, element in selected:
        origin = _sealed_origin(element)
        if origin is None:
            if _computes_from_sealed(element):
                raise RuntimeError(
                    f"a server store cannot compute {element}: it reads a sealed column, "
                    "which the server holds only sealed; compute it in the client"
                )
            continue
        table = origin.table
        assert isinstance(table, Table)
        source = _from_of(element)
        id_position = next(
            (
                other_position
                for other_position, other in selected
                if _is_table_id(other, table) and _from_of(other) is source
            ),
            None,
        )
        if id_position is None:
            raise RuntimeError(
                f"a SELECT of {table.name}.{origin.name} on a server store must also select "
                f"{table.name}.id (the sealed value is opened with its row's id)"
            )
        is_date = origin.name in date_columns(table.name)
        plan.append((position, id_position, table.name, origin.name, is_date))
    return plan


def _computes_from_sealed(element: object) -> bool:
    if not isinstance(element, ClauseElement):
        return False
    for inner in visitors.iterate(element):
        if isinstance(inner, FunctionElement) and getattr(inner, "name", "") == "count":
            return False
        if _sealed_origin(inner) is not None:
            return True
    return False


def _open_selected(state: ORMExecuteState) -> Result[Any] | None:
    """Rows of a SELECT of columns come back with their sealed columns opened."""
    if not state.is_select or state.is_relationship_load or state.is_column_load:
        return None
    keys: tuple[bytes, ...] = state.session.info[_OPENING]
    _refuse_server_comparisons(state.statement)
    selected = _selected(state.statement)
    if not selected:
        return None
    plan = _opener(selected)
    if not plan:
        return None
    frozen = state.invoke_statement().freeze()
    # `data` holds Rows, or the bare values of a one-column result that supports scalars.
    rows = [list(row) if isinstance(row, Row) else [row] for row in frozen.data]
    for row in rows:
        for position, id_position, table, column, is_date in plan:
            stored = row[position]
            if stored is None:
                continue
            row_id = row[id_position]
            if row_id is None:  # a sealed value in a row without an id cannot be checked
                raise RuntimeError(f"{table}.{column} selected with an empty {table}.id")
            row[position] = open_value(keys, table, column, int(row_id), stored, is_date)
    opened: Any = rows  # rows as lists, as the ORM's own merge_frozen_result passes them
    return frozen.with_new_rows(opened)()
