"""First start: a short wizard that makes the store (account, passphrase, recovery key)."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtCore import QRegularExpression, Qt, Signal
from PySide6.QtGui import (
    QFont,
    QFontDatabase,
    QGuiApplication,
    QRegularExpressionValidator,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from casusoverleg.errors import CasusoverlegError
from casusoverleg.services import accounts, output
from casusoverleg.services.store import Store

from ui import dialogs, style
from ui import server_store as server
from ui.ops import Op

Creator = Callable[[Path, str, str], accounts.NewStore]

MIN_LENGTH = accounts.MIN_PASSPHRASE_LENGTH
BUSY_CREATING = "De opslag wordt aangemaakt en versleuteld…"
STORE_FILTER = "Casusoverleg-opslag (*.db);;Alle bestanden (*)"
# The strength bar, score 0 to 4: red, amber, then two greens.
STRENGTH_COLOURS = (style.ERROR_COLOUR, style.ERROR_COLOUR, "#b26a00", "#2e7d32", style.OK_COLOUR)


@dataclass(frozen=True)
class Strength:
    """How strong a passphrase looks: a score 0–4, a Dutch hint, and whether it is allowed."""

    score: int
    hint: str
    allowed: bool


_LEVELS = ("zwak", "zwak", "redelijk", "goed", "sterk")


def passphrase_strength(text: str) -> Strength:
    """A hint from length and variety (a long sentence beats short line noise)."""
    if not text:
        return Strength(0, f"Kies een wachtwoord van minstens {MIN_LENGTH} tekens.", False)
    if len(text) < MIN_LENGTH:
        return Strength(0, f"Nog te kort: minstens {MIN_LENGTH} tekens (nu {len(text)}).", False)
    kinds = sum(
        (
            any(c.islower() for c in text),
            any(c.isupper() for c in text),
            any(c.isdigit() for c in text),
            any(not c.isalnum() and not c.isspace() for c in text),
        )
    )
    words = len(text.split())
    score = 1
    if len(text) >= 16 or kinds >= 3:
        score = 2
    if len(text) >= 20 or (len(text) >= 16 and kinds >= 3) or words >= 4:
        score = 3
    if len(text) >= 28 or (len(text) >= 20 and (kinds >= 3 or words >= 4)):
        score = 4
    if len(set(text)) <= 3:  # "aaaaaaaaaaaa", "abababababab"
        score = 1
    advice = {
        1: " Maak hem langer, bijvoorbeeld een zin van vier of meer woorden.",
        2: " Langer is sterker: een zin van vier of meer woorden is goed te onthouden.",
        3: "",
        4: "",
    }[score]
    return Strength(score, f"Sterkte: {_LEVELS[score]}.{advice}", True)


def default_creator(*, make_folder: bool) -> Creator:
    """Make the store with the real key-derivation cost (~0.5 s); optionally its folder too."""

    def create(path: Path, account: str, passphrase: str) -> accounts.NewStore:
        if make_folder:
            path.parent.mkdir(parents=True, exist_ok=True)
        return accounts.init_store(path, account, passphrase)

    return create


def recovery_sheet_html(key: str, store_path: Path | str, account: str) -> str:
    """The printed page for the recovery key (Dutch; nothing about children)."""
    return (
        "<h1>Herstelsleutel Casusoverleg</h1>"
        f"<p>Aangemaakt op {date.today():%d-%m-%Y} door account "
        f"<b>{html.escape(account)}</b>.</p>"
        f"<p>Opslag: {html.escape(str(store_path))}</p>"
        f"<p style='font-family: monospace; font-size: 16pt; margin: 24px 0;'>"
        f"<b>{html.escape(key)}</b></p>"
        "<p>Met deze sleutel opent u de opslag als alle wachtwoorden vergeten zijn. "
        "Bewaar dit vel op een veilige, afgesloten plek (bijvoorbeeld een kluis), niet bij de "
        "computer. Wie de sleutel heeft, kan alle gegevens lezen.</p>"
    )


def print_recovery_key(
    parent: QWidget, key: str, store_path: Path, account: str, shown: str = ""
) -> bool:
    """Print the recovery sheet through the system's print dialog; True if it was printed.
    `shown`: what the sheet names as the store, if not the path (a server's address)."""
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName("Herstelsleutel Casusoverleg")
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("Herstelsleutel afdrukken")
    try:
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return False
    finally:
        dialog.deleteLater()
    # "Print to file" must not land on the store being made or a file beside it.
    if printer.outputFileName():
        try:
            output.check_target(store_path, Path(printer.outputFileName()), overwrite=True)
        except CasusoverlegError as exc:
            dialogs.warn(
                parent, "Herstelsleutel afdrukken", "Er is niets afgedrukt.", detail=exc.message
            )
            return False
    document = QTextDocument()
    document.setHtml(recovery_sheet_html(key, shown or store_path, account))
    document.print_(printer)
    return True


class AccountPage(QWizardPage):
    """Step 1: where the store comes (this computer or a server) and the account name."""

    def __init__(self, wizard: SetupWizard, store_path: Path) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle("Welkom bij Casusoverleg")
        self.setSubTitle("Er is nog geen opslag. Deze stappen maken een nieuwe, versleutelde aan.")
        self.choice = server.StoreChoice(store_path)
        self.where_label = self.choice.where_label
        self.elsewhere_label = elsewhere = QLabel(
            "Is er al een opslag, bijvoorbeeld op een andere plek? Open die dan in plaats van "
            "een nieuwe te maken."
        )
        elsewhere.setWordWrap(True)
        self.open_existing_button = QPushButton("Bestaande opslag openen…")
        self.open_existing_button.setAutoDefault(False)
        self.account_edit = QLineEdit()
        self.account_edit.setMaxLength(80)
        self.account_edit.setPlaceholderText("bijvoorbeeld j.jansen")
        self.account_edit.setAccessibleName("Accountnaam")
        # Acceptable: some text, but not the name the recovery key's slot uses.
        self.account_edit.setValidator(
            QRegularExpressionValidator(
                QRegularExpression(
                    r"^(?!\s*herstelsleutel\s*$).*\S.*$",
                    QRegularExpression.PatternOption.CaseInsensitiveOption,
                ),
                self.account_edit,
            )
        )
        # A mandatory field, so Next waits for it. Not by overriding isComplete(): PySide6
        # 6.12 loses a reference to the returned bool on every call, and Python aborts.
        self.registerField("account*", self.account_edit)
        explain = QLabel(
            "Met deze naam meldt u zich aan. Het logboek vermeldt hem bij alles wat u doet. "
            "Collega's krijgen later een eigen account."
        )
        explain.setWordWrap(True)
        self.busy_row = _busy_row(server.BUSY_CONNECTING)
        form = QFormLayout()
        form.addRow("&Accountnaam:", self.account_edit)
        # The account field first: it gets the focus, and Enter/space never hit the button.
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(explain)
        layout.addSpacing(8)
        layout.addWidget(self.choice)
        layout.addStretch(1)
        layout.addWidget(self.busy_row)
        layout.addWidget(elsewhere)
        row = QHBoxLayout()
        row.addWidget(self.open_existing_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.choice.server_radio.toggled.connect(self._choice_changed)

    def initializePage(self) -> None:
        """Start in the account field."""
        self.account_edit.setFocus()

    def _choice_changed(self, on_server: bool) -> None:
        # Opening another store file means nothing on the server path.
        self.elsewhere_label.setVisible(not on_server)
        self.open_existing_button.setVisible(not on_server)

    def validatePage(self) -> bool:
        """A store file: on. A server: connect first (in the background); on when it is empty."""
        if not self.choice.on_server:
            self._wizard.server_url = ""
            return True
        if self._wizard.server_url == self.choice.address():
            return True
        if not self._wizard.busy:
            if not self.choice.address():
                self.choice.show_error("Vul het adres van de server in.")
                self.choice.address_edit.setFocus()
            else:
                self._wizard.check_server(self.choice.address())
        return False

    def set_busy(self, busy: bool) -> None:
        """Show the moving bar and lock the fields while the server is asked."""
        self.busy_row.setVisible(busy)
        self.choice.setEnabled(not busy)
        self.account_edit.setEnabled(not busy)


class PassphrasePage(QWizardPage):
    """Step 2: the passphrase, twice, with a strength hint; then the store is made."""

    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle("Wachtwoord kiezen")
        self.setSubTitle(
            f"Minstens {MIN_LENGTH} tekens. Een zin van een paar woorden is sterk en goed te "
            "onthouden. Niemand kan dit wachtwoord voor u terugzetten."
        )
        self.setCommitPage(True)  # once the store exists, there is no way back to change it
        self.passphrase_edit = QLineEdit()
        self.passphrase_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase_edit.setAccessibleName("Wachtwoord")
        self.repeat_edit = QLineEdit()
        self.repeat_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat_edit.setAccessibleName("Wachtwoord herhalen")
        self.strength_bar = QProgressBar()
        self.strength_bar.setRange(0, 4)
        self.strength_bar.setTextVisible(False)
        self.strength_bar.setMaximumHeight(self.fontMetrics().height() // 2 + 2)
        self.strength_bar.setAccessibleName("Sterkte van het wachtwoord")
        self.hint_label = QLabel()
        self.hint_label.setWordWrap(True)
        self.match_label = QLabel()
        self.match_label.setWordWrap(True)
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(style.ERROR_STYLE)
        self.error_label.hide()
        self.busy_row = _busy_row(BUSY_CREATING)
        # Holds "ja" while the passphrase may be used; a mandatory field, so the wizard's
        # button follows it (see AccountPage on why not isComplete()).
        self.ready_field = QLineEdit(self)
        self.ready_field.hide()
        self.registerField("wachtwoord_gereed*", self.ready_field)

        form = QFormLayout()
        form.addRow("&Wachtwoord:", self.passphrase_edit)
        form.addRow("", self.strength_bar)
        form.addRow("", self.hint_label)
        form.addRow("&Herhaal:", self.repeat_edit)
        form.addRow("", self.match_label)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addStretch(1)
        layout.addWidget(self.busy_row)
        for edit in (self.passphrase_edit, self.repeat_edit):
            edit.textChanged.connect(self._update_hints)
        self._update_hints()

    def _update_hints(self) -> None:
        first, second = self.passphrase_edit.text(), self.repeat_edit.text()
        strength = passphrase_strength(first)
        self.strength_bar.setValue(strength.score)
        colour = STRENGTH_COLOURS[strength.score]
        self.strength_bar.setStyleSheet(f"QProgressBar::chunk {{ background: {colour}; }}")
        self.hint_label.setText(strength.hint)
        if not second:
            self.match_label.setText("")
        elif first == second:
            self.match_label.setText("De wachtwoorden zijn gelijk.")
        elif first.startswith(second):
            self.match_label.setText("")
        else:
            self.match_label.setText("De wachtwoorden verschillen.")
        self.error_label.hide()
        self._update_ready()

    def _update_ready(self) -> None:
        """Next only with an allowed passphrase typed the same twice, and not while busy."""
        first = self.passphrase_edit.text()
        ready = (
            not self._wizard.busy
            and passphrase_strength(first).allowed
            and first == self.repeat_edit.text()
        )
        self.ready_field.setText("ja" if ready else "")

    def initializePage(self) -> None:
        """Start in the first passphrase field."""
        self.passphrase_edit.setFocus()

    def validatePage(self) -> bool:
        """Make the store in the background; the wizard moves on once it exists."""
        if self._wizard.store is not None:
            return True
        if not self._wizard.busy:
            self._wizard.create_store(self.passphrase_edit.text())
        return False

    def set_busy(self, busy: bool) -> None:
        """Show or hide the moving bar and lock the fields while the store is made."""
        self.busy_row.setVisible(busy)
        self.passphrase_edit.setEnabled(not busy)
        self.repeat_edit.setEnabled(not busy)
        self._update_ready()

    def show_error(self, text: str) -> None:
        """Say why the store could not be made."""
        self.error_label.setText(text)
        self.error_label.show()


def _busy_row(text: str) -> QWidget:
    """A hidden row "<text> [moving bar]" that keeps its height when hidden."""
    bar = QProgressBar()
    bar.setRange(0, 0)
    bar.setTextVisible(False)
    busy = QHBoxLayout()
    busy.setContentsMargins(0, 0, 0, 0)
    busy.addWidget(QLabel(text))
    busy.addWidget(bar, 1)
    row = QWidget()
    row.setLayout(busy)
    policy = row.sizePolicy()
    policy.setRetainSizeWhenHidden(True)
    row.setSizePolicy(policy)
    row.hide()
    return row


class RecoveryPage(QWizardPage):
    """Step 3: the recovery key, shown once; finishing needs "Ik heb hem bewaard"."""

    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle("Herstelsleutel")
        self.setSubTitle(
            "Met deze sleutel opent u de opslag als alle wachtwoorden vergeten zijn. "
            "Hij wordt alleen nu getoond."
        )
        self.key_label = QLabel()
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setWeight(QFont.Weight.Bold)
        self.key_label.setFont(font)
        self.key_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.key_label.setStyleSheet(
            "padding: 12px; border: 1px solid palette(mid); background: palette(base);"
        )
        # No accessible name: a screen reader then reads the key itself (the label text).
        self.key_label.setAccessibleDescription("Herstelsleutel")
        self.print_button = QPushButton("&Afdrukken…")
        self.print_button.setAutoDefault(False)
        self.print_button.clicked.connect(self._print)
        self.copy_button = QPushButton("&Kopiëren")
        self.copy_button.setAutoDefault(False)
        self.copy_button.setToolTip("Kopieer de sleutel, bijvoorbeeld naar een wachtwoordkluis.")
        self.copy_button.clicked.connect(self._copy)
        self.status_label = QLabel()
        advice = QLabel(
            "Druk de sleutel af of schrijf hem over en bewaar hem op een veilige, afgesloten "
            "plek, niet bij de computer. Wie de sleutel heeft, kan alle gegevens lezen."
        )
        advice.setWordWrap(True)
        self.saved_check = QCheckBox("Ik heb de herstelsleutel &bewaard")
        # Mandatory: Finish waits until it is ticked (see AccountPage on why not isComplete()).
        self.registerField("sleutel_bewaard*", self.saved_check)
        buttons = QHBoxLayout()
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.status_label, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.key_label)
        layout.addLayout(buttons)
        layout.addSpacing(8)
        layout.addWidget(advice)
        layout.addStretch(1)
        layout.addWidget(self.saved_check)

    def initializePage(self) -> None:
        """Show the key of the store just made."""
        # Two lines of four groups: easier to copy by hand, and it fits the page.
        groups = self._wizard.recovery_key.split("-")
        half = (len(groups) + 1) // 2
        self.key_label.setText("-".join(groups[:half]) + "-\n" + "-".join(groups[half:]))
        self.saved_check.setFocus()

    def _print(self) -> None:
        store = self._wizard.store
        account = store.account if store is not None else ""
        key, url = self._wizard.recovery_key, self._wizard.server_url
        if url and store is not None:
            printed = print_recovery_key(
                self, key, store.path, account, shown=server.shown_address(url)
            )
        else:
            printed = print_recovery_key(self, key, self._wizard.store_path, account)
        if printed:
            self.status_label.setText("Afgedrukt.")

    def _copy(self) -> None:
        QGuiApplication.clipboard().setText(self._wizard.recovery_key)
        self.status_label.setText("Gekopieerd.")


class SetupWizard(QWizard):
    """The first-start wizard; `store` holds the new, unlocked store once it is accepted."""

    open_existing = Signal(Path)  # the user chose an existing store instead
    open_server = Signal(str, str)  # the server holds a store already: (address, account)

    def __init__(
        self,
        store_path: Path,
        *,
        create: Creator | None = None,
        create_server: server.ServerCreator | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store_path = store_path
        self._create = create or default_creator(make_folder=False)
        self._create_server = create_server or server.default_server_creator
        self.server_url = ""  # set once the server was found with an empty database
        self._store: Store | None = None
        self.recovery_key = ""
        self._busy = False

        self.setWindowTitle("Casusoverleg — nieuwe opslag")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setButtonText(QWizard.WizardButton.NextButton, "&Volgende >")
        self.setButtonText(QWizard.WizardButton.BackButton, "< V&orige")
        self.setButtonText(QWizard.WizardButton.CommitButton, "Opslag &aanmaken")
        self.setButtonText(QWizard.WizardButton.FinishButton, "&Naar Casusoverleg")
        self.setButtonText(QWizard.WizardButton.CancelButton, "Annuleren")

        self.account_page = AccountPage(self, store_path)
        self.passphrase_page = PassphrasePage(self)
        self.recovery_page = RecoveryPage(self)
        for page in (self.account_page, self.passphrase_page, self.recovery_page):
            self.addPage(page)
        self.account_page.open_existing_button.clicked.connect(self._choose_existing)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 80)

    @property
    def store(self) -> Store | None:
        """The new store, once made."""
        return self._store

    @property
    def busy(self) -> bool:
        """True while the store is being made."""
        return self._busy

    def check_server(self, url: str) -> None:
        """Connect to the server off the GUI thread: an empty database goes on to the
        passphrase, one with a store goes to the unlock dialog, a failure is said on the page."""
        self._set_busy(True)
        Op(self, lambda: server.store_exists(url)).success(
            lambda exists: self._server_checked(url, exists)
        ).failure(self._server_failed).finished(self._creation_ended).run()

    def _server_checked(self, url: str, exists: bool) -> None:
        self._set_busy(False)
        if exists:
            self.open_server.emit(url, self.account_page.account_edit.text().strip())
            super().reject()
            return
        self.server_url = url
        self.next()

    def _server_failed(self, exc: CasusoverlegError) -> None:
        self._set_busy(False)
        self.account_page.choice.show_error(exc.message)
        self.account_page.choice.address_edit.setFocus()

    def create_store(self, passphrase: str) -> None:
        """Make the store off the GUI thread (the key derivation takes a moment)."""
        account = self.account_page.account_edit.text().strip()
        url, create_server = self.server_url, self._create_server
        path, create = self.store_path, self._create

        def make() -> accounts.NewStore:
            if url:
                return create_server(url, account, passphrase)
            return create(path, account, passphrase)

        self._set_busy(True)
        Op(self, make).success(self._created).failure(self._create_failed).finished(
            self._creation_ended
        ).dropped(lambda made: accounts.lock(made.store)).run()

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.account_page.set_busy(busy)
        self.passphrase_page.set_busy(busy)
        self.button(QWizard.WizardButton.CancelButton).setEnabled(not busy)
        self.button(QWizard.WizardButton.BackButton).setEnabled(not busy)

    def _created(self, created: accounts.NewStore) -> None:
        self._store = created.store
        self.recovery_key = created.recovery_key
        self._set_busy(False)
        self.next()
        # The passphrase is not needed any more; do not keep it in the fields.
        self.passphrase_page.passphrase_edit.clear()
        self.passphrase_page.repeat_edit.clear()

    def _create_failed(self, exc: CasusoverlegError) -> None:
        self._set_busy(False)
        self.passphrase_page.show_error(exc.message)

    def _creation_ended(self) -> None:
        # After an unexpected error (the app's crash dialog says so): the page is usable again.
        if self._busy:
            self._set_busy(False)

    def _choose_existing(self) -> None:
        chosen = dialogs.ask_open_file(
            self, "Bestaande opslag openen", STORE_FILTER, str(self.store_path.parent)
        )
        if chosen is not None:
            self.open_existing.emit(chosen)
            self.reject()

    def reject(self) -> None:
        """Cancel, but not while the store is being made nor once it exists."""
        if self._busy or self._store is not None:
            return
        super().reject()

    def close_store(self) -> None:
        """Lock a store made but not finished (the app is quitting)."""
        store, self._store = self._store, None
        if store is not None:
            accounts.lock(store)
