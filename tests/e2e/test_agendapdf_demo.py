"""Issue 12 on the demo store, as a user runs it: `agenda next -o F.pdf` prints the planned start
and end that `meetings --json` gives, the open actions with their numbers, and the invited teams."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from sqlalchemy import select

from casusoverleg.services import accounts, actions, invitees
from casusoverleg.store.models import AgendaItem, Case
from tests.e2e.test_cli import run
from tests.helpers.pdfs import all_text, font_problems, page_texts, squashed
from tests.helpers.stores import cli_env


def test_demo_agenda_next_is_the_one_a_secretary_sends(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    env = cli_env(path, passphrase="demo", account="demo")
    made = run("demo", env=env)
    assert made.returncode == 0, made.stderr

    listed = run("meetings", "--json", env=env)
    assert listed.returncode == 0, listed.stderr
    today = date.today().isoformat()
    upcoming = [m for m in json.loads(listed.stdout) if m["status"] == "GEPLAND"]
    nxt = next(m for m in upcoming if m["date"] >= today)

    pdf = tmp_path / "F.pdf"
    done = run("agenda", "next", "-o", str(pdf), env=env)
    assert done.returncode == 0, done.stderr
    text = squashed(all_text(pdf))

    start, end = (nxt[k].replace(":", ".") for k in ("start", "end"))
    assert f"Tijd {start} – {end} uur" in text

    store = accounts.unlock(path, "demo", "demo")
    try:
        with store.read() as session:
            open_actions = actions.open_actions_for_agenda_in(session, nxt["id"])
            invited = invitees.invitees_in(session, nxt["id"])
            children = session.execute(
                select(Case.first_name, Case.last_name)
                .join(AgendaItem, AgendaItem.case_id == Case.id)
                .where(AgendaItem.meeting_id == nxt["id"])
            ).all()
    finally:
        store.close()

    assert open_actions, "the demo has open actions for its next meeting"
    for action in open_actions:
        assert f"nr. {action.id} {action.case_number} {action.case_initials}" in text
    teams = {p.organisation for p in invited.people}
    assert len(teams) >= 4  # Leerplicht, wijkteam, samenwerkingsverband, orthopedagoog
    invited_part = text[text.index("Deelnemers") : text.index("Agendapunten")]
    assert all(team in invited_part for team in teams)
    assert "Voorzitter" in text and "Notulist" in text and "nog niet aangewezen" not in text
    assert "Vaststellen verslag van het overleg van" in text
    assert "Volgend overleg:" in text

    assert children
    assert not [f"{f} {n}" for f, n in children if f"{f} {n}" in text]
    pages = page_texts(pdf)
    assert all(f"pagina {i} van {len(pages)}" in p for i, p in enumerate(pages, start=1))
    assert font_problems(pdf) == []
