"""Roles (beheerder / lid), the last unlock per account and one-time passphrases (issue 13.2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from casusoverleg.errors import BadInput, WrongKey
from casusoverleg.services import accounts, settings
from casusoverleg.services.accounts import NotAllowed
from tests.helpers.stores import ACCOUNT, PASSPHRASE, make_store

LID = "lid1"
LID_PASS = "een lang wachtwoord voor het lid"


def test_a_lid_may_not_add_remove_or_change_roles_or_settings(tmp_path: Path) -> None:
    store, _ = make_store(tmp_path)
    accounts.add_account(store, LID, LID_PASS)
    accounts.add_account(store, "derde", LID_PASS)
    path = store.path
    accounts.lock(store)
    lid = accounts.unlock(path, LID, LID_PASS)
    try:
        assert accounts.ROLE_LABELS[accounts.current_role(lid)] == "lid"
        for attempt in (
            lambda: accounts.add_account(lid, "nieuw", LID_PASS),
            lambda: accounts.remove_account(lid, "derde"),
            lambda: accounts.set_role(lid, "derde", beheerder=True),
            lambda: settings.set_settings(lid, {"idle_lock_minutes": 7}),
        ):
            with pytest.raises(NotAllowed, match="Alleen een beheerder"):
                attempt()
        # Listing and changing one's own passphrase are for everyone.
        assert {a.name for a in accounts.list_accounts(lid)} == {ACCOUNT, LID, "derde"}
        accounts.change_passphrase(lid, LID, LID_PASS, "mijn eigen nieuwe wachtwoord")
    finally:
        accounts.lock(lid)
    assert settings.load_settings  # unchanged settings below
    boss = accounts.unlock(path, ACCOUNT, PASSPHRASE)
    try:
        assert settings.load_settings(boss).idle_lock_minutes != 7
        accounts.set_role(boss, LID, beheerder=True)
        roles = {a.name: a.role for a in accounts.list_accounts(boss)}
        assert roles[LID] == accounts.ROLE_BEHEERDER
    finally:
        accounts.lock(boss)


def test_the_last_unlock_comes_from_the_log(tmp_path: Path) -> None:
    store, _ = make_store(tmp_path)
    accounts.add_account(store, LID, LID_PASS)
    path = store.path
    accounts.lock(store)
    accounts.lock(accounts.unlock(path, ACCOUNT, PASSPHRASE))
    with pytest.raises(WrongKey):
        accounts.unlock(path, LID, "niet het goede wachtwoord")
    boss = accounts.unlock(path, ACCOUNT, PASSPHRASE)
    try:
        last = {a.name: a.last_unlock for a in accounts.list_accounts(boss)}
    finally:
        accounts.lock(boss)
    assert last[LID] is None  # a failed attempt is no unlock
    assert last[ACCOUNT] is not None


def test_a_one_time_passphrase_must_be_changed_and_changing_clears_it(tmp_path: Path) -> None:
    store, _ = make_store(tmp_path)
    code = accounts.new_one_time_code()
    assert len(code) == 19 and code.count("-") == 3
    accounts.add_account(store, LID, code, one_time=True, display_name="Lid Een")
    listed = {a.name: a for a in accounts.list_accounts(store)}
    assert listed[LID].must_change_passphrase
    assert listed[LID].display_name == "Lid Een"
    path = store.path
    accounts.lock(store)
    lid = accounts.unlock(path, LID, code)
    try:
        assert accounts.must_change_passphrase(lid)
        with pytest.raises(BadInput, match="eenmalig wachtwoord"):
            accounts.refuse_until_changed(lid)
        accounts.change_passphrase(lid, LID, code, LID_PASS)
        assert not accounts.must_change_passphrase(lid)
        accounts.refuse_until_changed(lid)
    finally:
        accounts.lock(lid)
    with pytest.raises(WrongKey):
        accounts.unlock(path, LID, code)
