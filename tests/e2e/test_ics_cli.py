"""`ics` and `series list` e2e: an invitation once the series has a secretary, else why not."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import icalendar

from casusoverleg.domain.enums import MeetingRole
from casusoverleg.domain.recurrence import Recurrence, SkipRules
from casusoverleg.services import accounts, meetings
from casusoverleg.services.series_members import StandingMember, set_series_people
from tests.e2e.test_cli import run
from tests.helpers.series_people import make_cast
from tests.helpers.stores import ACCOUNT, PASSPHRASE, cli_env, make_store


def test_ics_says_what_it_wrote_and_what_is_missing(tmp_path: Path) -> None:
    store, _ = make_store(tmp_path)
    cast = make_cast(store)
    series = meetings.create_series(
        store,
        meetings.SeriesInput(
            name="Casusoverleg Zwolle",
            start_date=date(2027, 3, 2),
            start_time=time(9, 30),
            minutes=120,
            recurrence=Recurrence.weekly(1, 2),
            count=3,
            skip=SkipRules(public=True, school=False),
        ),
        meetings.PastDates.AS_PLANNED,
    )
    set_series_people(
        store,
        series.id,
        [StandingMember(cast.chair, MeetingRole.VOORZITTER), StandingMember(cast.no_email)],
        None,
    )
    first = meetings.list_meetings(store, series_id=series.id)[0]
    store.close()
    env = cli_env(store.path)

    out = tmp_path / "reeks.ics"
    done = run("ics", "Casusoverleg Zwolle", "-o", str(out), env=env)
    assert done.returncode == 0, done.stderr
    assert "(overlegreeks 'Casusoverleg Zwolle', 3 overleggen, agenda)" in done.stdout
    assert done.stderr.startswith("casusoverleg: let op: Dit bestand is geen uitnodiging")
    assert "de overlegreeks heeft geen secretaris" in done.stderr
    assert "Traceback" not in done.stderr

    # The secretary is chosen (as in the series dialog); now it is an invitation.
    opened = accounts.unlock(store.path, ACCOUNT, PASSPHRASE)
    try:
        set_series_people(
            opened,
            series.id,
            [StandingMember(cast.chair, MeetingRole.VOORZITTER), StandingMember(cast.no_email)],
            cast.secretary,
        )
    finally:
        accounts.lock(opened)

    again = run("ics", "series:Casusoverleg Zwolle", "-o", str(out), "--overwrite", env=env)
    assert again.returncode == 0, again.stderr
    assert "3 overleggen, uitnodiging, 1 genodigden)" in again.stdout
    assert (
        again.stderr
        == "casusoverleg: let op: Zonder (bruikbaar) e-mailadres, dus niet uitgenodigd: "
        "Pieter Smit.\n"
    )
    cal = icalendar.Calendar.from_ical(out.read_bytes())
    assert cal["METHOD"] == "REQUEST"
    event = cal.walk("VEVENT")[0]
    assert str(event["ORGANIZER"]) == "mailto:i.brouwer@zwolle.example"
    assert str(event["ATTENDEE"]) == "mailto:a.elidrissi@swt.example"

    one = run("ics", f"meeting:{first.id}", "-o", str(tmp_path / "een.ics"), env=env)
    assert f"(overleg {first.id}, 1 overleg, uitnodiging, 1 genodigden)" in one.stdout

    listed = run("series", "list", env=env)
    assert listed.returncode == 0, listed.stderr
    assert "  voorzitter: Ahmed el Idrissi (Sociaal Wijkteam), a.elidrissi@swt.example" in (
        listed.stdout
    )
    assert "  deelnemer: Pieter Smit (Orthopedagoog), geen e-mailadres" in listed.stdout
    assert (
        "  secretaris (verstuurt de uitnodigingen): Ilse Brouwer (Team Leerplicht), "
        "i.brouwer@zwolle.example" in listed.stdout
    )
