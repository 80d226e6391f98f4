"""agenda, minutes, actions, dossier and export actions on the command line, in a subprocess."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from casusoverleg.domain.enums import AuditAction
from casusoverleg.services import accounts, audit
from tests.e2e.test_cli import run
from tests.helpers.pdfs import all_text, font_problems, page_texts, squashed
from tests.helpers.scenario import Scenario, build, child_names
from tests.helpers.stores import ACCOUNT, PASSPHRASE, cli_env, make_store


@pytest.fixture
def made(tmp_path: Path) -> tuple[Path, Scenario]:
    """A closed scenario store (held meeting with minutes, next meeting with an agenda)."""
    store, _ = make_store(tmp_path)
    scenario = build(store, cases_on_next=5)
    store.close()
    return store.path, scenario


def test_agenda_minutes_actions_dossier_as_a_script_uses_them(
    made: tuple[Path, Scenario], tmp_path: Path
) -> None:
    path, scenario = made
    env = cli_env(path)
    listed = run("meetings", "--json", env=env)
    assert listed.returncode == 0, listed.stderr
    assert str(scenario.next_id) in listed.stdout and json.loads(listed.stdout)

    done = run("agenda", "next", "-o", str(tmp_path / "agenda.pdf"), env=env)
    assert done.returncode == 0, done.stderr
    assert "Agenda geschreven" in done.stdout
    text = squashed(all_text(tmp_path / "agenda.pdf"))
    assert "Casus 2026-0001" in text and "X. Q." in text
    assert not [n for n in child_names(5) if n in text]

    done = run("minutes", str(scenario.held_id), "-o", str(tmp_path / "v.pdf"), "--names", env=env)
    assert done.returncode == 0, done.stderr
    assert "met namen" in done.stdout and "niet versleuteld" in done.stdout
    assert "Xandrijn Quaadvliet" in squashed(all_text(tmp_path / "v.pdf"))

    done = run("actions", "-o", str(tmp_path / "a.pdf"), "--all", "--by", "case", env=env)
    assert done.returncode == 0, done.stderr
    actions_text = squashed(all_text(tmp_path / "a.pdf"))
    assert "Actielijst — alle actiepunten" in actions_text and "gereed" in actions_text

    done = run("dossier", "2026-0001", "-o", str(tmp_path / "d.pdf"), env=env)
    assert done.returncode == 0, done.stderr
    assert "Wie heeft de gegevens ingezien" in squashed(all_text(tmp_path / "d.pdf"))

    done = run("export", "actions", str(tmp_path / "acties.xlsx"), env=env)
    assert done.returncode == 0, done.stderr
    assert "3 actiepunten geëxporteerd" in done.stdout

    for name in ("agenda.pdf", "v.pdf", "a.pdf", "d.pdf"):
        pdf = tmp_path / name
        texts = page_texts(pdf)
        assert all(f"pagina {i} van {len(texts)}" in t for i, t in enumerate(texts, start=1))
        assert font_problems(pdf) == []

    store = accounts.unlock(path, ACCOUNT, PASSPHRASE)
    try:
        kinds = [e.object_type for e in audit.list_events(store) if e.action == AuditAction.PRINT]
    finally:
        store.close()
    assert {"agenda", "verslag", "actielijst", "dossier"} <= set(kinds)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["agenda", "999", "-o", "{tmp}/a.pdf"], "geen overleg met nummer 999"),
        (["agenda", "morgen", "-o", "{tmp}/a.pdf"], "geen overlegnummer"),
        (["minutes", "999", "-o", "{tmp}/v.pdf"], "geen overleg met nummer 999"),
        (["dossier", "2099-9999", "-o", "{tmp}/d.pdf"], "geen casus met nummer 2099-9999"),
        (["actions", "-o", "{tmp}/nergens/a.pdf"], "bestaat niet"),
        (["actions", "-o", "{tmp}/a.txt"], ".pdf"),
        (["actions", "-o", "{tmp}/a.pdf", "--by", "school"], "onbekende keuze"),
    ],
)
def test_bad_input_exits_2_with_a_dutch_message(
    made: tuple[Path, Scenario], tmp_path: Path, args: list[str], message: str
) -> None:
    path, _ = made
    out = tmp_path / "uit"
    out.mkdir()
    done = run(*(a.replace("{tmp}", str(out)) for a in args), env=cli_env(path))
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert list(out.iterdir()) == []


def test_agenda_next_without_a_planned_meeting_exits_2(tmp_path: Path) -> None:
    store, _ = make_store(tmp_path)
    store.close()
    done = run("agenda", "next", "-o", str(tmp_path / "a.pdf"), env=cli_env(store.path))
    assert done.returncode == 2
    assert "Er is geen volgend overleg gepland." in done.stderr
