"""The unlock dialog says how long to wait after too many wrong passphrases (issue 10, item 11).

Before: every refusal read "Onbekend account of onjuist wachtwoord.", with no wait to tell.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from casusoverleg.errors import WrongKey
from casusoverleg.services import accounts
from tests.helpers.stores import ACCOUNT, PASSPHRASE

from ui.unlock import WRONG_KEY_MESSAGE, UnlockDialog


def test_the_dialog_shows_the_wait(qtbot: QtBot, store_path: Path) -> None:
    for _ in range(5):
        with pytest.raises(WrongKey):
            accounts.unlock(store_path, ACCOUNT, "niet het goede wachtwoord")
    dialog = UnlockDialog(store_path, account=ACCOUNT)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.passphrase_edit, PASSPHRASE)
    qtbot.keyClick(dialog.passphrase_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.message_label.isVisible(), timeout=10_000)
    text = dialog.message_label.text()
    assert text != WRONG_KEY_MESSAGE
    assert text.startswith("Te veel onjuiste wachtwoorden voor dit account. Probeer het over ")
    assert text.endswith(" seconden opnieuw.")
    assert dialog.store is None
    assert dialog.passphrase_edit.text() == ""
