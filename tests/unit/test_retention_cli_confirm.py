"""`retention destroy` without --yes asks on the terminal, naming how many and which."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from casusoverleg import cli
from casusoverleg.services import accounts, retention
from tests.helpers.retention_data import (
    DESTROY_ON,
    GONE_NUMBER,
    GONE_TOO_NUMBER,
    make_retention_store,
)
from tests.helpers.stores import ACCOUNT, PASSPHRASE


class Terminal(io.StringIO):
    """Typed answers on what looks like a terminal."""

    def isatty(self) -> bool:
        """A terminal: the command may ask."""
        return True


@pytest.fixture
def store_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The retention store, closed, with the CLI's account and passphrase in the environment."""
    made = make_retention_store(tmp_path)
    accounts.lock(made.store)
    monkeypatch.setenv(cli.ENV_STORE, str(made.store.path))
    monkeypatch.setenv(cli.ENV_USER, ACCOUNT)
    monkeypatch.setenv(cli.ENV_PASSPHRASE, PASSPHRASE)
    return made.store.path


def _left(store_path: Path) -> list[str]:
    store = accounts.unlock(store_path, ACCOUNT, PASSPHRASE)
    try:
        return [p.case_number for p in retention.past_retention(store, DESTROY_ON)]
    finally:
        accounts.lock(store)


ARGS = ["retention", "destroy", GONE_NUMBER, GONE_TOO_NUMBER, "--on", DESTROY_ON.isoformat()]


def test_answering_anything_but_ja_destroys_nothing(
    store_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The question names the count and the numbers; "nee" leaves every case in place."""
    assert cli.main(ARGS, stdin=Terminal("nee\n")) == 2
    out, err = capsys.readouterr()
    assert f"2 casussen definitief vernietigen: {GONE_NUMBER}, {GONE_TOO_NUMBER}?" in out
    assert "niets vernietigd" in err
    assert _left(store_path) == [GONE_NUMBER, GONE_TOO_NUMBER]


def test_answering_ja_destroys_the_named_cases(
    store_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """ "ja" on the terminal destroys them; the output names them."""
    assert cli.main(ARGS, stdin=Terminal("ja\n")) == 0
    out, _err = capsys.readouterr()
    assert f"2 casussen vernietigd: {GONE_NUMBER}, {GONE_TOO_NUMBER}." in out
    assert _left(store_path) == []
