"""Accounts, passphrases and the re-key on a store on a server (issue 15, item 4): every change
of a slot lands in `key_slot_copy`; removing an account with rotation re-seals every value in
batches while other clients keep working, and the removed person's old key opens nothing new."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, text

from casusoverleg.errors import BadInput, DamagedStore, WrongKey
from casusoverleg.services import accounts, audit, backup, cases, server_accounts
from casusoverleg.services.server_store import init_server_store, unlock_server
from casusoverleg.services.store import Store
from casusoverleg.store.keyslots import FAST_KDF
from casusoverleg.store.models import KeySlotCopy, Setting
from casusoverleg.store.sealed import SEALED_COLUMNS, column_key, open_sealed
from tests.e2e.test_cli import run
from tests.helpers import scenario
from tests.helpers.stores import ACCOUNT, PASSPHRASE, cli_env, sample_case

LID = "bert"
LID_PASS = "wachtwoord van bert 123"
OTHER = "carla"
OTHER_PASS = "wachtwoord van carla 456"


@pytest.fixture
def store(pg_url: str) -> Iterator[Store]:
    """The beheerder's client, unlocked (as every client is after init) with cheap Argon2."""
    accounts.lock(init_server_store(pg_url, ACCOUNT, PASSPHRASE, kdf=FAST_KDF).store)
    opened = unlock_server(pg_url, ACCOUNT, PASSPHRASE)
    yield opened
    accounts.lock(opened)


def _raw_sealed(store: Store) -> dict[tuple[str, str, int], str]:
    """Every sealed value on the server, read raw: (table, column, row id) -> sealed text."""
    found: dict[tuple[str, str, int], str] = {}
    with store.engine.connect() as conn:
        for table, columns in SEALED_COLUMNS.items():
            listed = ", ".join(f'"{c}"' for c in columns)
            sql = text(f'SELECT id, {listed} FROM "{table}"')  # noqa: S608 - fixed names
            for row in conn.execute(sql):
                for column, value in zip(columns, row[1:], strict=True):
                    if value is not None:
                        found[(table, column, int(row[0]))] = value
    return found


def _slot_accounts(store: Store) -> set[str]:
    with store.engine.connect() as conn:
        return set(conn.scalars(select(KeySlotCopy.account)))


def _opens(key: bytes, where: tuple[str, str, int], value: str) -> bool:
    try:
        open_sealed(column_key(key), *where, value)
    except DamagedStore:
        return False
    return True


def test_an_added_account_unlocks_from_a_second_client_and_is_listed(
    pg_url: str, store: Store
) -> None:
    cases.create_case(store, sample_case("Sanne", "de Vries"))
    accounts.add_account(store, LID, LID_PASS, display_name="Bert Bos")
    assert _slot_accounts(store) == {ACCOUNT, "herstelsleutel", LID}
    second = unlock_server(pg_url, LID, LID_PASS)
    try:
        assert [r.first_name for r in cases.list_cases(second, log_search=False)] == ["Sanne"]
        listed = {a.name: a for a in accounts.list_accounts(second)}
        assert set(listed) == {ACCOUNT, LID}
        assert listed[LID].display_name == "Bert Bos"
        assert listed[LID].role == accounts.ROLE_MEDEWERKER
        with pytest.raises(accounts.NotAllowed):
            accounts.add_account(second, OTHER, OTHER_PASS)
    finally:
        accounts.lock(second)
    with pytest.raises(BadInput, match="bestaat al"):
        accounts.add_account(store, LID, LID_PASS)
    report = backup.check(store)
    assert report.ok, report.lines()


def test_a_changed_passphrase_refuses_the_old_one(pg_url: str, store: Store) -> None:
    accounts.add_account(store, LID, LID_PASS)
    client = unlock_server(pg_url, LID, LID_PASS)
    try:
        with pytest.raises(WrongKey):
            accounts.change_passphrase(client, LID, "niet het oude wachtwoord", "iets nieuws 789")
        accounts.change_passphrase(client, LID, LID_PASS, "iets nieuws 789")
    finally:
        accounts.lock(client)
    with pytest.raises(WrongKey):
        unlock_server(pg_url, LID, LID_PASS)
    again = unlock_server(pg_url, LID, "iets nieuws 789")
    accounts.lock(again)
    assert backup.check(store).ok


def test_the_recovery_key_sets_a_forgotten_passphrase(pg_url: str) -> None:
    made = init_server_store(pg_url, ACCOUNT, PASSPHRASE, kdf=FAST_KDF)
    accounts.lock(made.store)
    rescue = unlock_server(pg_url, "herstelsleutel", made.recovery_key)
    try:
        accounts.change_passphrase(rescue, ACCOUNT, "", "een nieuw wachtwoord 1")
    finally:
        accounts.lock(rescue)
    with pytest.raises(WrongKey):
        unlock_server(pg_url, ACCOUNT, PASSPHRASE)
    accounts.lock(unlock_server(pg_url, ACCOUNT, "een nieuw wachtwoord 1"))


def test_set_role_makes_a_lid_beheerder(pg_url: str, store: Store) -> None:
    accounts.add_account(store, LID, LID_PASS)
    accounts.set_role(store, LID, beheerder=True)
    client = unlock_server(pg_url, LID, LID_PASS)
    try:
        assert accounts.current_role(client) == accounts.ROLE_BEHEERDER
        accounts.add_account(client, OTHER, OTHER_PASS)  # a beheerder now
    finally:
        accounts.lock(client)
    roles = {a.name: a.role for a in accounts.list_accounts(store)}
    assert roles == {
        ACCOUNT: accounts.ROLE_BEHEERDER,
        LID: accounts.ROLE_BEHEERDER,
        OTHER: accounts.ROLE_MEDEWERKER,
    }


def test_remove_without_rotation_takes_the_slot_away(pg_url: str, store: Store) -> None:
    accounts.add_account(store, LID, LID_PASS)
    generation = store.key_file.key_generation
    accounts.remove_account(store, LID, rotate=False)
    assert _slot_accounts(store) == {ACCOUNT, "herstelsleutel"}
    with pytest.raises(WrongKey):
        unlock_server(pg_url, LID, LID_PASS)
    assert [a.name for a in accounts.list_accounts(store)] == [ACCOUNT]
    assert store.key_file.key_generation == generation
    with pytest.raises(BadInput, match="eigen account"):
        accounts.remove_account(store, ACCOUNT, rotate=False)


def test_remove_with_rotation_reseals_everything_while_others_keep_working(
    pg_url: str, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    scenario.build(store)
    accounts.add_account(store, LID, LID_PASS)
    accounts.add_account(store, OTHER, OTHER_PASS)
    before = _raw_sealed(store)
    assert len(before) > 50
    old_key = store.key
    earlier = unlock_server(pg_url, OTHER, OTHER_PASS)  # unlocked before the re-key
    removed = unlock_server(pg_url, LID, LID_PASS)  # the person who is removed, still open
    names_before = sorted(r.last_name for r in cases.list_cases(earlier, log_search=False))
    monkeypatch.setattr(server_accounts, "BATCH_ROWS", 4)  # many batches on a small store
    steps: list[tuple[int, int]] = []
    midway: list[str] = []

    def progress(done: int, total: int) -> None:
        steps.append((done, total))
        if 0 < done < total and not midway:
            # Between two batches: values under both keys. A client unlocked before the
            # re-key writes and reads; one that unlocks now reads the not yet re-sealed ones.
            made = cases.create_case(earlier, sample_case("Midden", "Tijdens"))
            midway.append(made.case_number)
            assert len(cases.list_cases(earlier, log_search=False)) == len(names_before) + 1
            fresh = unlock_server(pg_url, ACCOUNT, PASSPHRASE)
            try:
                listed = cases.list_cases(fresh, log_search=False)
                assert "Tijdens" in {r.last_name for r in listed}
            finally:
                accounts.lock(fresh)

    try:
        accounts.remove_account(store, LID, rotate=True, progress=progress)

        total = steps[0][1]
        assert steps[0] == (0, total) and steps[-1] == (total, total)
        assert [done for done, _ in steps] == sorted(done for done, _ in steps)
        assert len(steps) > 5 and midway

        with pytest.raises(WrongKey):
            unlock_server(pg_url, LID, LID_PASS)
        with pytest.raises(WrongKey, match="geen toegang meer"):
            cases.list_cases(removed, log_search=False)

        after = _raw_sealed(store)
        for where, value in before.items():
            assert after[where] != value, where  # every value re-sealed
        for where, value in after.items():
            assert not _opens(old_key, where, value), where  # the old key opens none of them
            assert _opens(store.key, where, value), where
        with store.engine.connect() as conn:
            previous = select(Setting.value).where(Setting.key == server_accounts.PREVIOUS_KEY)
            assert conn.execute(previous).first() is None

        # The client unlocked before the re-key reads and writes on under the new key.
        assert sorted(r.last_name for r in cases.list_cases(earlier, log_search=False)) == sorted(
            [*names_before, "Tijdens"]
        )
        cases.create_case(earlier, sample_case("Na", "Afloop"))
        report = backup.check(store)
        assert report.ok, report.lines()
        assert audit.verify_chain(earlier).ok
        assert _slot_accounts(store) == {ACCOUNT, "herstelsleutel", OTHER}
    finally:
        accounts.lock(earlier)
        removed.close()


def test_the_command_line_adds_changes_and_removes_accounts_on_a_server(
    pg_url: str, tmp_path: Path
) -> None:
    accounts.lock(init_server_store(pg_url, ACCOUNT, PASSPHRASE, kdf=FAST_KDF).store)

    def env(account: str = ACCOUNT, passphrase: str = PASSPHRASE) -> dict[str, str]:
        values = cli_env(Path("onbelangrijk"), passphrase, account)
        values["CASUSOVERLEG_STORE"] = pg_url
        values["XDG_DATA_HOME"] = str(tmp_path / "data")
        return values

    adding = env()
    adding["CASUSOVERLEG_NEW_PASSPHRASE"] = LID_PASS
    done = run("accounts", "add", LID, env=adding)
    assert done.returncode == 0, done.stderr
    listed = run("accounts", "list", env=env())
    assert LID in listed.stdout and ACCOUNT in listed.stdout, listed.stderr

    changing = env(LID, LID_PASS)
    changing["CASUSOVERLEG_NEW_PASSPHRASE"] = "bert zijn nieuwe wachtwoord"
    done = run("passwd", env=changing)
    assert done.returncode == 0, done.stderr
    assert run("check", env=env(LID, LID_PASS)).returncode == 3
    assert run("check", env=env(LID, "bert zijn nieuwe wachtwoord")).returncode == 0

    done = run("accounts", "remove", LID, env=env())
    assert done.returncode == 0, done.stderr
    assert "De opslag heeft een nieuwe sleutel" in done.stdout
    assert run("check", env=env(LID, "bert zijn nieuwe wachtwoord")).returncode == 3
    checked = run("check", env=env())
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_passwd_with_the_recovery_key_on_a_server(pg_url: str, tmp_path: Path) -> None:
    made = init_server_store(pg_url, ACCOUNT, PASSPHRASE, kdf=FAST_KDF)
    accounts.lock(made.store)
    env = cli_env(Path("onbelangrijk"), "vergeten")
    env["CASUSOVERLEG_STORE"] = pg_url
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    env["CASUSOVERLEG_RECOVERY_KEY"] = made.recovery_key.lower().replace("-", " ")
    env["CASUSOVERLEG_NEW_PASSPHRASE"] = "weer een goed wachtwoord"
    done = run("passwd", "--recovery", env=env)
    assert done.returncode == 0, done.stderr
    accounts.lock(unlock_server(pg_url, ACCOUNT, "weer een goed wachtwoord"))
    env["CASUSOVERLEG_RECOVERY_KEY"] = "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH"
    wrong = run("passwd", "--recovery", env=env)
    assert wrong.returncode != 0 and "herstelsleutel past niet" in wrong.stderr
