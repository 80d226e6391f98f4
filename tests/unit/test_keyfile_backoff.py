"""Back-off after wrong passphrases (issue 10, item 11).

Before: nothing but the key derivation's own second slowed down guessing. Now the sixth attempt
after five wrong ones must wait 30 s, then 60 s, … at most 15 minutes; the count is kept in the
store's side file and in the key file, so deleting one is not enough.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from casusoverleg.errors import TooManyAttempts, WrongKey
from casusoverleg.services import accounts, backoff, backup
from casusoverleg.store.keyslots import RECOVERY_ACCOUNT, KeyFile
from tests.helpers.keyfiles import read_json, write_json
from tests.helpers.stores import ACCOUNT, PASSPHRASE, cli_env, make_store

SCRIPT = Path(sys.executable).with_name("casusoverleg")
WRONG = "niet het goede wachtwoord"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(backoff, "clock", fake)
    return fake


@pytest.fixture
def closed(tmp_path: Path) -> tuple[Path, str]:
    store, recovery = make_store(tmp_path)
    accounts.lock(store)
    return store.path, recovery


def _fail(path: Path, times: int) -> None:
    for _ in range(times):
        with pytest.raises(WrongKey) as caught:
            accounts.unlock(path, ACCOUNT, WRONG)
        assert not isinstance(caught.value, TooManyAttempts)


def test_after_five_wrong_passphrases_each_next_attempt_waits_longer(
    closed: tuple[Path, str], clock: Clock
) -> None:
    path, _recovery = closed
    _fail(path, 5)
    with pytest.raises(TooManyAttempts) as caught:
        accounts.unlock(path, ACCOUNT, PASSPHRASE)  # even the right one must wait
    assert caught.value.seconds == 30
    assert caught.value.exit_code == 3
    assert caught.value.message == (
        "Te veel onjuiste wachtwoorden voor dit account. Probeer het over 30 seconden opnieuw."
    )
    clock.advance(29)
    with pytest.raises(TooManyAttempts) as caught:
        accounts.unlock(path, ACCOUNT, PASSPHRASE)
    assert caught.value.seconds == 1
    clock.advance(1)
    _fail(path, 1)  # the sixth: now 60 s
    with pytest.raises(TooManyAttempts) as caught:
        accounts.unlock(path, ACCOUNT, WRONG)
    assert caught.value.seconds == 60
    assert "Probeer het over 1 minuut opnieuw." in caught.value.message
    clock.advance(60)
    _fail(path, 1)  # the seventh: 120 s
    with pytest.raises(TooManyAttempts, match="over 2 minuten opnieuw") as caught:
        accounts.unlock(path, ACCOUNT, WRONG)
    assert caught.value.seconds == 120

    clock.advance(120)
    accounts.lock(accounts.unlock(path, ACCOUNT, PASSPHRASE))  # the right one resets it
    assert backoff.attempts(path, ACCOUNT) is None
    assert not backoff.side_path(path).exists()
    assert "vertraging" not in read_json(path)
    _fail(path, 4)
    _fail(path, 1)  # five again before any wait


def test_the_wait_is_capped_at_fifteen_minutes() -> None:
    assert [backoff.wait_after(n) for n in (4, 5, 6, 7, 8, 9, 10, 50, 10**6)] == [
        0,
        30,
        60,
        120,
        240,
        480,
        900,
        900,
        900,
    ]


@pytest.mark.parametrize("deleted", ["side file", "key file map"])
def test_deleting_one_of_the_two_records_is_not_enough(
    closed: tuple[Path, str], clock: Clock, deleted: str
) -> None:
    path, _recovery = closed
    _fail(path, 5)
    if deleted == "side file":
        backoff.side_path(path).unlink()
    else:
        data = read_json(path)
        del data["vertraging"]
        write_json(path, data)
    with pytest.raises(TooManyAttempts):
        accounts.unlock(path, ACCOUNT, PASSPHRASE)
    clock.advance(30)
    accounts.lock(accounts.unlock(path, ACCOUNT, PASSPHRASE))


def test_a_damaged_record_never_blocks_and_the_other_still_counts(
    closed: tuple[Path, str], clock: Clock
) -> None:
    path, _recovery = closed
    _fail(path, 5)
    backoff.side_path(path).write_bytes(b"\xff kapot")
    with pytest.raises(TooManyAttempts):
        accounts.unlock(path, ACCOUNT, PASSPHRASE)
    data = read_json(path)
    data["vertraging"] = {"secretaris": {"mislukt": "veel", "laatste": 3}}
    write_json(path, data)
    accounts.lock(accounts.unlock(path, ACCOUNT, PASSPHRASE))


def test_the_recovery_key_gets_the_same_back_off(closed: tuple[Path, str], clock: Clock) -> None:
    path, recovery = closed
    for _ in range(5):
        with pytest.raises(WrongKey, match="Deze herstelsleutel past niet"):
            accounts.unlock_with_recovery(path, "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH")
    with pytest.raises(TooManyAttempts, match="Te veel onjuiste herstelsleutels"):
        accounts.unlock_with_recovery(path, recovery)
    accounts.lock(accounts.unlock(path, ACCOUNT, PASSPHRASE))  # other accounts are not held up
    clock.advance(30)
    accounts.lock(accounts.unlock_with_recovery(path, recovery))
    assert backoff.attempts(path, RECOVERY_ACCOUNT) is None


def test_an_unknown_name_is_never_counted_or_written_down(
    closed: tuple[Path, str], clock: Clock
) -> None:
    path, _recovery = closed
    typed_in_the_wrong_field = "geheime zin van Els 2026"
    for _ in range(7):
        with pytest.raises(WrongKey) as caught:
            accounts.unlock(path, typed_in_the_wrong_field, WRONG)
        assert not isinstance(caught.value, TooManyAttempts)
    assert not backoff.side_path(path).exists()
    assert typed_in_the_wrong_field.casefold() not in KeyFile.path_for(path).read_text()


def test_the_counter_in_the_key_file_never_disturbs_its_check(
    closed: tuple[Path, str], clock: Clock
) -> None:
    path, _recovery = closed
    _fail(path, 3)
    store = accounts.unlock(path, ACCOUNT, PASSPHRASE)
    try:
        _fail(path, 2)  # while the store is open elsewhere: a second process's mistakes
        report = backup.check(store)
        assert report.ok
        assert report.key_file is not None and report.key_file.repaired == ()
    finally:
        accounts.lock(store)
    counted = backoff.attempts(path, ACCOUNT)
    assert counted is not None and counted.count == 2


def test_the_command_line_says_how_long_to_wait(closed: tuple[Path, str]) -> None:
    path, _recovery = closed
    _fail(path, 5)
    done = subprocess.run(
        [str(SCRIPT), "check"],
        env=cli_env(path),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 3, done.stderr
    assert "Te veel onjuiste wachtwoorden voor dit account. Probeer het over" in done.stderr
    side = json.loads(backoff.side_path(path).read_text(encoding="utf-8"))
    assert side[ACCOUNT]["mislukt"] == 5
