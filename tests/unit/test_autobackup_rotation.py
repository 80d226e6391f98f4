"""Rotation of automatic backups: which are kept; no other file is ever chosen."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from casusoverleg.domain.rotation import (
    DEFAULT_POLICY,
    RotationPolicy,
    backup_name,
    parse_backup_name,
    recognise,
    to_delete,
)

STORE = "casusoverleg.db"
NOW = datetime(2026, 12, 2, 10, 0)  # a Wednesday


def _names(stamps: list[datetime]) -> list[str]:
    return [backup_name(STORE, s) for s in stamps]


def _kept(names: list[str], now: datetime = NOW) -> set[str]:
    return set(names) - set(to_delete(STORE, names, now))


def test_the_name_is_the_store_name_and_the_local_minute() -> None:
    assert backup_name(STORE, datetime(2026, 12, 2, 3, 15)) == "casusoverleg-2026-12-02T0315.zip"
    assert (
        backup_name(STORE, datetime(2026, 12, 2, 3, 15), 2) == "casusoverleg-2026-12-02T0315-2.zip"
    )
    parsed = parse_backup_name(STORE, "casusoverleg-2026-12-02T0315-2.zip")
    assert parsed is not None
    assert (parsed.made, parsed.sequence) == (datetime(2026, 12, 2, 3, 15), 2)


def test_a_backup_a_day_for_400_days_keeps_7_days_4_weeks_12_months() -> None:
    names = _names([NOW - timedelta(days=n) for n in range(400)])
    kept = _kept(names)
    days = {f"casusoverleg-2026-{d}T1000.zip" for d in ("11-26", "11-27", "11-28", "11-29")} | {
        f"casusoverleg-2026-{d}T1000.zip" for d in ("11-30", "12-01", "12-02")
    }
    # ISO weeks from Monday 30 Nov back: newest of the weeks of 23, 16 and 9 November.
    weeks = {"casusoverleg-2026-11-29T1000.zip", "casusoverleg-2026-11-22T1000.zip"}
    weeks.add("casusoverleg-2026-11-15T1000.zip")
    # The last day of each of the 12 months back from December 2026.
    months = {
        f"casusoverleg-2026-{m:02d}-{d}T1000.zip"
        for m, d in (
            (1, 31),
            (2, 28),
            (3, 31),
            (4, 30),
            (5, 31),
            (6, 30),
            (7, 31),
            (8, 31),
            (9, 30),
            (10, 31),
            (11, 30),
        )
    }
    assert kept == days | weeks | months
    # 29 and 30 November are newest of a day and of their week or month too.
    assert len(kept) == 7 + 2 + 10


def test_only_the_newest_of_a_day_is_kept() -> None:
    names = [
        "casusoverleg-2026-11-30T0900.zip",
        "casusoverleg-2026-11-30T1700.zip",
        "casusoverleg-2026-11-30T1700-2.zip",
        "casusoverleg-2026-12-02T0800.zip",
        "casusoverleg-2026-12-02T0815.zip",
    ]
    assert _kept(names) == {
        "casusoverleg-2026-11-30T1700-2.zip",
        "casusoverleg-2026-12-02T0815.zip",
    }


def test_the_newest_backup_is_kept_however_old_and_a_future_one_is_left_alone() -> None:
    old = _names([datetime(2019, 5, 1, 12, 0), datetime(2019, 4, 1, 12, 0)])
    assert _kept(old) == {"casusoverleg-2019-05-01T1200.zip"}
    future = backup_name(STORE, NOW + timedelta(days=40))
    assert future in _kept([*old, future])


def test_only_names_that_are_exactly_ours_are_ever_chosen() -> None:
    foreign = [
        "casusoverleg.db",
        "casusoverleg.db.keys.json",
        "notities.txt",
        "casusoverleg-2019-01-01T1000.zip.tmp",
        ".casusoverleg-2019-01-01T1000.zip.x1y2.tmp",
        "casusoverleg-2019-01-01T1000.ZIP",
        "Casusoverleg-2019-01-01T1000.zip",
        "casusoverleg-2019-01-01T1000-1.zip",  # never made: the first has no suffix
        "casusoverleg-2019-01-01T1000-02.zip",
        "casusoverleg-2019-02-30T1000.zip",  # no such day
        "casusoverleg-2019-01-01T2460.zip",
        "casusoverleg-2019-01-01 1000.zip",
        "casusoverleg-20190101T100000.zip",  # another spelling of a time, same length
        "casusoverleg-2019-01-01T10:00.zip",
        "casusoverleg-2019-01-01T1000-1000.zip",
        "casusoverleg-oud-2019-01-01T1000.zip",  # another store's name
        "ander-2019-01-01T1000.zip",
        "casusoverleg-2019-01-01T1000.zip/",
        "xcasusoverleg-2019-01-01T1000.zip",
    ]
    ours = _names([datetime(2018, 1, 1, 10, 0), datetime(2018, 1, 2, 10, 0)])
    assert [b.name for b in recognise(STORE, foreign)] == []
    assert to_delete(STORE, [*foreign, *ours], NOW) == ["casusoverleg-2018-01-01T1000.zip"]


def test_a_store_name_with_special_characters_is_matched_literally() -> None:
    store = "zaken (2026)+.db"
    name = backup_name(store, datetime(2026, 1, 1, 9, 0))
    assert name == "zaken (2026)+-2026-01-01T0900.zip"
    assert parse_backup_name(store, name) is not None
    assert parse_backup_name(store, "zaken (2026)-2026-01-01T0900.zip") is None
    assert parse_backup_name(store, "zaken (2026)+x-2026-01-01T0900.zip") is None


def test_the_policy_describes_itself_in_dutch() -> None:
    text = RotationPolicy(daily=7, weekly=4, monthly=12).describe()
    assert "7 dagen" in text and "4 weken" in text and "12 maanden" in text


def _random_case(rng: random.Random) -> tuple[list[datetime], datetime]:
    start = datetime(2024, 1, 1)
    span = int((datetime(2027, 1, 1) - start).total_seconds() // 60)
    stamps = {start + timedelta(minutes=rng.randrange(span)) for _ in range(rng.randrange(60))}
    # Clusters too: several backups on one day, in one week, in one minute's neighbourhood.
    if stamps and rng.random() < 0.5:
        base = rng.choice(sorted(stamps))
        stamps |= {base + timedelta(minutes=rng.randrange(-3000, 3000)) for _ in range(10)}
    now = start + timedelta(minutes=rng.randrange(span))
    return sorted(stamps), now


def test_rotation_properties_over_many_random_cases() -> None:
    # Seeded, so a failure repeats; no example database is written into the checkout.
    rng = random.Random(20261202)
    for _ in range(300):
        stamps, now = _random_case(rng)
        names = _names(stamps)
        deleted = to_delete(STORE, names, now, DEFAULT_POLICY)
        kept = set(names) - set(deleted)
        assert set(deleted) <= set(names)
        if names:
            # The newest backup always survives, and so does the newest of today.
            assert backup_name(STORE, max(stamps)) in kept
            today = [s for s in stamps if s.date() == now.date() and s <= now]
            if today:
                assert backup_name(STORE, max(today)) in kept
        # At most one per day, week and month, plus the newest and future ones.
        future = [s for s in stamps if s > now]
        assert len(kept) <= 7 + 4 + 12 + 1 + len(future)
        # A second run on what is left removes nothing more.
        assert to_delete(STORE, sorted(kept), now, DEFAULT_POLICY) == []
        # Every kept name is still the newest of its day.
        for name in kept:
            made = parse_backup_name(STORE, name)
            assert made is not None
            assert not any(s.date() == made.made.date() and made.made < s <= now for s in stamps)
