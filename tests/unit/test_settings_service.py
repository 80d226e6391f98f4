"""Settings in the store: typed, checked, defaults, and every change in the log."""

from __future__ import annotations

import pytest

from casusoverleg.domain.enums import AuditAction
from casusoverleg.errors import BadInput
from casusoverleg.services import audit, settings
from casusoverleg.services.settings import Settings
from casusoverleg.services.store import Store


def test_defaults_when_nothing_was_set(store: Store) -> None:
    assert settings.load_settings(store) == Settings()
    assert settings.get_setting(store, "idle_lock_minutes") == 5
    assert settings.get_setting(store, "retention_years") == 19
    assert settings.get_setting(store, "region") == "noord"


def test_a_change_is_kept_typed_and_logged(store: Store) -> None:
    values = settings.set_setting(store, "idle_lock_minutes", 15)
    assert values.idle_lock_minutes == 15
    assert settings.get_setting(store, "idle_lock_minutes") == 15
    settings.set_setting(store, "organisation_name", "  Gemeente   Zwolle ")
    settings.set_setting(store, "region", "Midden")
    loaded = settings.load_settings(store)
    assert loaded.organisation_name == "Gemeente Zwolle"
    assert loaded.region == "midden"
    changes = [e for e in audit.list_events(store) if e.object_type == "instelling"]
    assert [c.object_id for c in changes] == ["region", "organisation_name", "idle_lock_minutes"]
    assert all(c.action == AuditAction.UPDATE and c.account == store.account for c in changes)
    assert changes[-1].detail == "automatisch vergrendelen na (minuten): 5 → 15"
    assert changes[1].detail == "naam organisatie: (leeg) → Gemeente Zwolle"


def test_setting_the_same_value_again_is_not_logged(store: Store) -> None:
    settings.set_setting(store, "retention_years", 19)
    assert not [e for e in audit.list_events(store) if e.object_type == "instelling"]


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("idle_lock_minutes", 0, "tussen 1 en 240"),
        ("idle_lock_minutes", "vijf", "heel getal"),
        ("retention_years", 101, "tussen 1 en 100"),
        ("default_meeting_minutes", 5, "tussen 15 en 480"),
        ("region", "west", "noord, midden of zuid"),
        ("organisation_name", "x" * 121, "hoogstens 120"),
        ("kleur", "blauw", "Onbekende instelling"),
    ],
)
def test_bad_values_are_refused_in_dutch(
    store: Store, name: str, value: int | str, message: str
) -> None:
    with pytest.raises(BadInput, match=message):
        settings.set_setting(store, name, value)
    assert settings.load_settings(store) == Settings()
