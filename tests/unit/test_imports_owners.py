"""Import names people, not codes: a casushouder links to a participant by code, name or
initials; a value that names nobody is left to the user and never becomes a participant."""

from __future__ import annotations

from pathlib import Path

import pytest

from casusoverleg.domain.enums import Team
from casusoverleg.errors import BadInput
from casusoverleg.services import cases, imports, people
from casusoverleg.services.imports import LeaveEmpty, LinkOwner, NewOwner
from casusoverleg.services.store import Store
from tests.unit.test_imports import TODAY, write_csv


def _rows(*owners: str) -> list[tuple[str, ...]]:
    return [
        (f"2026-{900 + i:04d}", "Kind", f"Nummer{i}", "12-03-2014", "", "5 onder a", "", "", owner)
        for i, owner in enumerate(owners)
    ]


def _owners(store: Store) -> dict[str, int | None]:
    return {r.case_number: r.owner_id for r in cases.list_cases(store, log_search=False)}


@pytest.fixture
def team(store: Store) -> people.OrganisationInfo:
    return people.create_organisation(store, "Team Leerplicht Zwolle", Team.LEERPLICHT)


def test_matches_by_code_name_and_initials_ignoring_case_and_accents(
    store: Store, tmp_path: Path, team: people.OrganisationInfo
) -> None:
    fatma = people.create_participant(store, "Fatma Yıldırım", team.id, code="lp")
    sanne = people.create_participant(store, "Sanne van der Wit", team.id, code="SWT")
    path = write_csv(
        tmp_path / "l.csv",
        _rows("LP", "swt", "fatma yildirim", "S.v.d.W.", "Sw", "s.w.t."),
    )
    preview = imports.preview_import(store, path, today=TODAY)
    assert preview.unknown_owners == []
    assert [c.owner_id for c in preview.cases] == [
        fatma.id, sanne.id, fatma.id, sanne.id, sanne.id, sanne.id
    ]  # fmt: skip
    imports.import_cases(store, path, today=TODAY)
    assert list(_owners(store).values()) == [fatma.id, sanne.id, fatma.id, sanne.id, sanne.id,
                                             sanne.id]  # fmt: skip


def test_archived_participants_do_not_match(
    store: Store, tmp_path: Path, team: people.OrganisationInfo
) -> None:
    old = people.create_participant(store, "Oud Collega", team.id, code="oc")
    people.archive_participant(store, old.id)
    path = write_csv(tmp_path / "l.csv", _rows("oc"))
    (unknown,) = imports.preview_import(store, path, today=TODAY).unknown_owners
    assert unknown.candidates == ()


def test_unknown_values_are_grouped_and_create_nobody(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "l.csv", _rows("leerplicht", "swt", "SWT", "swv", "swt", ""))
    preview = imports.preview_import(store, path, today=TODAY)
    assert [(o.value, o.count) for o in preview.unknown_owners] == [
        ("leerplicht", 1), ("swt", 3), ("swv", 1)
    ]  # fmt: skip
    assert preview.unknown_owners[1].text == "onbekende casushouder 'swt' (3 casussen)"
    assert preview.undecided({"swt": LeaveEmpty()}) == [
        preview.unknown_owners[0], preview.unknown_owners[2]
    ]  # fmt: skip
    result = imports.import_cases(store, path, today=TODAY)
    assert result.count == 6 and result.new_owners == []
    assert [o.value for o in result.left_empty] == ["leerplicht", "swt", "swv"]
    assert people.list_participants(store) == []
    assert people.list_organisations(store) == []
    assert set(_owners(store).values()) == {None}


def test_ambiguous_value_is_unknown_with_candidates(
    store: Store, tmp_path: Path, team: people.OrganisationInfo
) -> None:
    a = people.create_participant(store, "Sanne Wit", team.id)
    b = people.create_participant(store, "Stefan Wouters", team.id)
    path = write_csv(tmp_path / "l.csv", _rows("sw"))
    (unknown,) = imports.preview_import(store, path, today=TODAY).unknown_owners
    assert [c.id for c in unknown.candidates] == [a.id, b.id]
    assert unknown.text.startswith("dubbelzinnige casushouder 'sw'")
    imports.import_cases(store, path, today=TODAY, owners={unknown.key: LinkOwner(b.id)})
    assert list(_owners(store).values()) == [b.id]


def test_choices_are_applied(store: Store, tmp_path: Path, team: people.OrganisationInfo) -> None:
    karin = people.create_participant(store, "Karin Bos", team.id)
    path = write_csv(tmp_path / "l.csv", _rows("leerplicht", "swt", "swt", "swv"))
    keys = [o.key for o in imports.preview_import(store, path, today=TODAY).unknown_owners]
    result = imports.import_cases(
        store,
        path,
        today=TODAY,
        owners={
            keys[0]: LinkOwner(karin.id),
            keys[1]: NewOwner("Sanne Wit", organisation_name="Sociaal Wijkteam Zwolle"),
            keys[2]: LeaveEmpty(),
        },
    )
    assert result.new_owners == ["Sanne Wit"]
    assert [o.value for o in result.left_empty] == ["swv"]
    sanne = next(p for p in people.list_participants(store) if p.name == "Sanne Wit")
    assert sanne.organisation_name == "Sociaal Wijkteam Zwolle"
    assert sanne.team == Team.SOCIAAL_WIJKTEAM
    assert list(_owners(store).values()) == [karin.id, sanne.id, sanne.id, None]
    assert len(people.list_participants(store)) == 2


def test_all_or_nothing_with_choices(
    store: Store, tmp_path: Path, team: people.OrganisationInfo
) -> None:
    gone = people.create_participant(store, "Vertrokken", team.id)
    path = write_csv(tmp_path / "l.csv", _rows("swt", "lp"))
    keys = [o.key for o in imports.preview_import(store, path, today=TODAY).unknown_owners]
    people.archive_participant(store, gone.id)  # between the preview and the import
    with pytest.raises(BadInput, match="gearchiveerd"):
        imports.import_cases(
            store,
            path,
            today=TODAY,
            owners={keys[0]: NewOwner("Sanne Wit", team.id), keys[1]: LinkOwner(gone.id)},
        )
    assert cases.count_cases(store) == 0
    assert [p.name for p in people.list_participants(store, include_archived=True)] == [
        "Vertrokken"
    ]


def test_a_rejected_file_creates_nobody_either(store: Store, tmp_path: Path) -> None:
    rows = [*_rows("swt"), ("2026-0999", "X", "Y", "31-02-2014", "", "5a", "", "", "")]
    path = write_csv(tmp_path / "l.csv", rows)
    with pytest.raises(imports.ImportRejected):
        imports.import_cases(store, path, today=TODAY, owners={"swt": NewOwner("Sanne Wit")})
    assert people.list_participants(store) == [] and cases.count_cases(store) == 0


def test_participant_code_is_unique_among_active_participants(
    store: Store, team: people.OrganisationInfo
) -> None:
    a = people.create_participant(store, "Sanne Wit", team.id, code="swt")
    assert a.code == "swt"
    with pytest.raises(BadInput, match="De code 'SWT' is al in gebruik bij Sanne Wit"):
        people.create_participant(store, "Stefan Wouters", team.id, code="SWT")
    b = people.create_participant(store, "Stefan Wouters", team.id)
    with pytest.raises(BadInput, match="al in gebruik"):
        people.update_participant(store, b.id, code="s.w.t.")
    assert people.update_participant(store, a.id, code="swt").code == "swt"  # own code: fine
    people.archive_participant(store, a.id)
    assert people.update_participant(store, b.id, code="swt").code == "swt"
