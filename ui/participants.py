"""Deelnemers: organisations (with their kind of team) and the people who take part.

People who leave are archived, never deleted: they move to "Gearchiveerd", shown greyed, and
the actions they owned keep their names.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from casusoverleg.domain.enums import Team
from casusoverleg.domain.text import normalise_search
from casusoverleg.errors import CasusoverlegError
from casusoverleg.services import people
from casusoverleg.services.people import OrganisationInfo, ParticipantInfo
from casusoverleg.services.store import Store
from casusoverleg.services.views.participants import PeopleView, people_view

from ui import common, ops, style
from ui.common import format_date
from ui.ops import Change, StoreOp
from ui.widgets.flow import FlowLayout
from ui.widgets.message import MessageLabel

# What a tree line stands for: ("org", id), ("person", id), or ("group", 0) for "Gearchiveerd".
TARGET_ROLE = Qt.ItemDataRole.UserRole
ARCHIVED_ROLE = Qt.ItemDataRole.UserRole + 1
COLUMNS = ("Naam", "Functie of soort", "E-mail", "Telefoon")
# Loose on purpose: it catches typing slips (no @, a space), not every invalid address.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

Target = tuple[str, int]
EditorState = dict[str, str]


@dataclass
class _Draft:
    """Unsaved editor values kept in memory while the store is locked."""

    target: Target | None  # None: a new person or organisation
    page: str  # "person" or "org"
    state: EditorState


def _field_holder(edit: QWidget, error: QLabel) -> QWidget:
    holder = QWidget()
    column = QVBoxLayout(holder)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(2)
    column.addWidget(edit)
    column.addWidget(error)
    return holder


def _error_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet(style.ERROR_STYLE)
    label.hide()
    return label


class PersonEditor(QGroupBox):
    """The fields of one participant, new or existing."""

    def __init__(self) -> None:
        super().__init__("Deelnemer")
        self.name_edit = QLineEdit()
        self.function_edit = QLineEdit()
        self.organisation_combo = QComboBox()
        self.email_edit = QLineEdit()
        self.phone_edit = QLineEdit()
        self.code_edit = QLineEdit()
        self.code_edit.setMaxLength(people.CODE_LIMIT)
        self.code_edit.setPlaceholderText("kort, bijvoorbeeld lp of swt")
        self.code_edit.setToolTip(
            "Een korte code waarmee deze deelnemer als casushouder in een importbestand staat "
            "(bijvoorbeeld lp of swt). Hoofdletters, accenten en puntjes tellen niet; elke "
            "code hoort bij één deelnemer."
        )
        self.name_edit.setMaxLength(200)
        self.function_edit.setMaxLength(200)
        self.email_edit.setMaxLength(200)
        self.phone_edit.setMaxLength(50)
        self.function_edit.setPlaceholderText("bijvoorbeeld Leerplichtambtenaar")
        self.email_edit.setPlaceholderText("naam@organisatie.nl")
        self.errors = {name: _error_label() for name in ("name", "organisation", "email")}
        self.archived_label = QLabel()
        self.archived_label.setWordWrap(True)
        self.archived_label.hide()
        self.save_button = QPushButton("Opslaan")
        self.save_button.setToolTip("Opslaan (Ctrl+S)")
        self.archive_button = QPushButton("Archiveren…")
        form = QFormLayout()
        for text, edit, error in (
            ("&Naam:", self.name_edit, "name"),
            ("&Functie:", self.function_edit, ""),
            ("&Organisatie:", self.organisation_combo, "organisation"),
            ("&E-mail:", self.email_edit, "email"),
            ("&Telefoon:", self.phone_edit, ""),
            ("Co&de:", self.code_edit, ""),
        ):
            label = QLabel(text)
            label.setBuddy(edit)
            edit.setAccessibleName(text.replace("&", "").rstrip(":"))
            form.addRow(label, _field_holder(edit, self.errors[error]) if error else edit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.archive_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.archived_label)
        layout.addLayout(buttons)
        layout.addStretch(1)

    def state(self) -> EditorState:
        """The values on screen."""
        return {
            "name": self.name_edit.text(),
            "function": self.function_edit.text(),
            "organisation": str(self.organisation_combo.currentData() or ""),
            "email": self.email_edit.text(),
            "phone": self.phone_edit.text(),
            "code": self.code_edit.text(),
        }

    def set_state(self, state: EditorState) -> None:
        """Show `state`."""
        self.name_edit.setText(state.get("name", ""))
        self.function_edit.setText(state.get("function", ""))
        index = self.organisation_combo.findData(state.get("organisation", ""))
        self.organisation_combo.setCurrentIndex(max(0, index))
        self.email_edit.setText(state.get("email", ""))
        self.phone_edit.setText(state.get("phone", ""))
        self.code_edit.setText(state.get("code", ""))

    def check(self) -> dict[str, str]:
        """Dutch messages per field for what is wrong (empty: fine)."""
        errors = {}
        if not self.name_edit.text().strip():
            errors["name"] = "Vul de naam in."
        if not self.organisation_combo.currentData():
            errors["organisation"] = "Kies de organisatie waar deze deelnemer werkt."
        email = self.email_edit.text().strip()
        if email and not _EMAIL.match(email):
            errors["email"] = "Dit lijkt geen e-mailadres (naam@organisatie.nl)."
        return errors


class OrganisationEditor(QGroupBox):
    """The fields of one organisation, new or existing."""

    def __init__(self) -> None:
        super().__init__("Organisatie")
        self.name_edit = QLineEdit()
        self.name_edit.setMaxLength(200)
        self.team_combo = QComboBox()
        for team in Team:
            self.team_combo.addItem(team.label, str(team))
        # Not as wide as the longest team name: that kept the window wide at 200 % text.
        self.team_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.team_combo.setMinimumContentsLength(16)
        self.errors = {"name": _error_label()}
        self.save_button = QPushButton("Opslaan")
        self.save_button.setToolTip("Opslaan (Ctrl+S)")
        form = QFormLayout()
        name_label = QLabel("&Naam:")
        name_label.setBuddy(self.name_edit)
        self.name_edit.setAccessibleName("Naam van de organisatie")
        form.addRow(name_label, _field_holder(self.name_edit, self.errors["name"]))
        team_label = QLabel("&Soort:")
        team_label.setBuddy(self.team_combo)
        form.addRow(team_label, self.team_combo)
        hint = QLabel(
            "De vier vaste teams van het overleg zijn Team Leerplicht, het Sociaal Wijkteam, "
            "het Samenwerkingsverband en de orthopedagoog."
        )
        hint.setWordWrap(True)
        hint.setStyleSheet(f"color: {style.MUTED_COLOUR};")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addLayout(buttons)
        layout.addStretch(1)

    def state(self) -> EditorState:
        """The values on screen."""
        return {"name": self.name_edit.text(), "team": str(self.team_combo.currentData() or "")}

    def set_state(self, state: EditorState) -> None:
        """Show `state`."""
        self.name_edit.setText(state.get("name", ""))
        self.team_combo.setCurrentIndex(max(0, self.team_combo.findData(state.get("team", ""))))

    def check(self) -> dict[str, str]:
        """Dutch messages per field for what is wrong (empty: fine)."""
        return {} if self.name_edit.text().strip() else {"name": "Vul de naam in."}


class ParticipantsView(QWidget):
    """The Deelnemers screen: a tree of organisations and people, and an editor beside it."""

    # The changes after which this screen loads again (see ui.ops).
    reload_on = Change.PEOPLE | Change.ACTIONS | Change.CASES

    loaded = Signal()
    saved = Signal()  # a person or organisation was written (and the lists reloaded)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store: Store | None = None
        self._organisations: list[OrganisationInfo] = []
        self._participants: list[ParticipantInfo] = []
        self._target: Target | None = None  # what the editor shows; None with a new one
        self._page = ""  # "person", "org" or "" (nothing chosen)
        self._baseline: EditorState = {}
        self._draft: _Draft | None = None
        self._saving = False
        self._filling = False

        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Zoek op naam, functie of organisatie…")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setAccessibleName("Zoek deelnemers")
        self.filter_edit.textChanged.connect(self._apply_filter)
        self.new_person_button = QPushButton("Nieuwe &deelnemer")
        self.new_person_button.setToolTip("Een deelnemer toevoegen (Ctrl+N)")
        self.new_person_button.clicked.connect(self.new_person)
        self.new_org_button = QPushButton("Nieuwe o&rganisatie")
        self.new_org_button.clicked.connect(self.new_organisation)

        self.tree = QTreeWidget()
        self.tree.setColumnCount(len(COLUMNS))
        self.tree.setAccessibleName("Deelnemers per organisatie")
        self.tree.setHeaderLabels(list(COLUMNS))
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.header().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.tree.header().setStretchLastSection(True)
        char = self.fontMetrics().averageCharWidth()
        for column, chars in enumerate((44, 22, 28, 14)):
            self.tree.setColumnWidth(column, chars * char)
        self.tree.currentItemChanged.connect(self._current_changed)
        self.tree.itemActivated.connect(lambda _item, _col: self._focus_editor())

        self.person_editor = PersonEditor()
        self.org_editor = OrganisationEditor()
        self.hint_label = QLabel(
            "Kies links een organisatie of deelnemer, of maak een nieuwe aan.\n\n"
            "Wie vertrekt, wordt gearchiveerd en niet verwijderd: eerdere actiepunten en "
            "verslagen houden de naam."
        )
        self.hint_label.setWordWrap(True)
        self.hint_label.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.message_label = MessageLabel()
        self.editors = QStackedWidget()
        self.editors.addWidget(self.hint_label)
        self.editors.addWidget(self.person_editor)
        self.editors.addWidget(self.org_editor)

        for edit in (
            self.person_editor.name_edit,
            self.person_editor.function_edit,
            self.person_editor.email_edit,
            self.person_editor.phone_edit,
            self.person_editor.code_edit,
            self.org_editor.name_edit,
        ):
            edit.textEdited.connect(self._edited)
        self.person_editor.organisation_combo.currentIndexChanged.connect(self._edited)
        self.org_editor.team_combo.currentIndexChanged.connect(self._edited)
        self.person_editor.save_button.clicked.connect(self.save)
        self.org_editor.save_button.clicked.connect(self.save)
        self.person_editor.archive_button.clicked.connect(self.archive_current)

        save = QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self)
        save.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        save.activated.connect(self.save)
        new = QShortcut(QKeySequence(QKeySequence.StandardKey.New), self)
        new.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        new.activated.connect(self.new_person)

        top = QHBoxLayout()
        top.addWidget(self.filter_edit, 1)
        new_buttons = QWidget()  # one above the other when the list is narrow (200 % text)
        new_flow = FlowLayout(new_buttons)
        new_flow.addWidget(self.new_person_button)
        new_flow.addWidget(self.new_org_button)
        top.addWidget(new_buttons)
        left = QWidget()
        left_column = QVBoxLayout(left)
        left_column.setContentsMargins(0, 0, 0, 0)
        left_column.addLayout(top)
        left_column.addWidget(self.tree, 1)
        right = QWidget()
        right_column = QVBoxLayout(right)
        right_column.setContentsMargins(0, 0, 0, 0)
        right_column.addWidget(self.message_label)
        right_column.addWidget(self.editors, 1)
        self.splitter = QSplitter()
        self.splitter.setObjectName("deelnemers")
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        # The tree gets the room; the editor needs little (the window may restore its own).
        char = self.fontMetrics().averageCharWidth()
        self.splitter.setSizes([char * 110, char * 50])
        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter)
        self.clear()

    # Loading ----------------------------------------------------------------------------------

    def load(self, store: Store) -> None:
        """Fetch organisations and participants in the background (archived ones too)."""
        self._store = store
        self._reload()

    def _reload(self, then_select: Target | None = None) -> None:
        store = self._store
        if store is None:
            return
        wanted = then_select or self._target

        def done(found: PeopleView) -> None:
            self._organisations, self._participants = found.organisations, found.participants
            self._fill_tree()
            self._fill_organisation_combo()
            self._restore(wanted)
            self.new_person_button.setEnabled(True)
            self.new_org_button.setEnabled(True)
            self.loaded.emit()

        def failed(exc: CasusoverlegError) -> None:
            self._show_message(style.could_not_load("De lijst met deelnemers", exc), error=True)

        StoreOp(self, store, people_view).key("load").success(done).failure(failed).run()

    def clear(self) -> None:
        """Drop every name from the screen (the store is being locked); typed text is kept."""
        ops.drop_pending(self)
        self._saving = False  # a save on its way is dropped with the rest
        if self._page and self.is_dirty() and self._draft is None:
            self._draft = _Draft(self._target, self._page, self._editor_state())
        self._store = None
        self._organisations, self._participants = [], []
        self.tree.clear()
        self.filter_edit.clear()
        self._show_editor("", None)
        self.person_editor.organisation_combo.clear()
        self._show_message("")
        self.new_person_button.setEnabled(False)
        self.new_org_button.setEnabled(False)

    def _restore(self, wanted: Target | None) -> None:
        """After a (re)load: back to what was chosen, with unsaved values if the store locked."""
        draft, self._draft = self._draft, None
        if draft is not None:
            if draft.target is None:
                (self.new_person if draft.page == "person" else self.new_organisation)()
            else:
                self._reselect(draft.target)
            self._set_editor_state(draft.state)
            self._show_message("Uw niet opgeslagen wijzigingen staan er weer.")
            return
        if wanted is not None and self._find_item(wanted) is not None:
            self._reselect(wanted)
        elif self._target is not None or not self._page:
            self._show_editor("", None)

    def _reselect(self, target: Target) -> None:
        """Select `target` in the fresh tree and show its (possibly changed) details."""
        item = self._find_item(target)
        if item is None:
            self._show_editor("", None)
            return
        self.tree.blockSignals(True)
        try:
            self.tree.setCurrentItem(item)
        finally:
            self.tree.blockSignals(False)
        self.tree.scrollToItem(item)
        self._show_editor(target[0], target)

    # The tree ---------------------------------------------------------------------------------

    def _fill_tree(self) -> None:
        self.tree.blockSignals(True)
        try:
            self.tree.clear()
            bold = QFont(self.font())
            bold.setBold(True)
            grey = QBrush(QColor(style.MUTED_COLOUR))
            by_org: dict[int, QTreeWidgetItem] = {}
            for org in self._organisations:
                item = QTreeWidgetItem([org.name, org.team.label, "", ""])
                item.setData(0, TARGET_ROLE, ("org", org.id))
                item.setFont(0, bold)
                item.setToolTip(0, org.name)
                if org.archived:
                    for column in range(len(COLUMNS)):
                        item.setForeground(column, grey)
                self.tree.addTopLevelItem(item)
                by_org[org.id] = item
            archived = [p for p in self._participants if p.archived_on is not None]
            for person in self._participants:
                if person.archived_on is not None:
                    continue
                item = QTreeWidgetItem([person.name, person.function, person.email, person.phone])
                item.setData(0, TARGET_ROLE, ("person", person.id))
                item.setToolTip(0, person.label)
                by_org[person.organisation_id].addChild(item)  # one snapshot: it is there
            if archived:
                group = QTreeWidgetItem([f"Gearchiveerd ({len(archived)})", "", "", ""])
                group.setData(0, TARGET_ROLE, ("group", 0))
                group.setFont(0, bold)
                group.setForeground(0, grey)
                group.setToolTip(0, "Vertrokken deelnemers; hun naam blijft bij oude actiepunten")
                self.tree.addTopLevelItem(group)
                for person in archived:
                    since = format_date(person.archived_on)
                    item = QTreeWidgetItem(
                        [
                            person.name,
                            f"{person.function}, {person.organisation_name}".lstrip(", "),
                            person.email,
                            person.phone,
                        ]
                    )
                    item.setData(0, TARGET_ROLE, ("person", person.id))
                    item.setData(0, ARCHIVED_ROLE, True)
                    item.setToolTip(0, f"{person.label} — gearchiveerd op {since}")
                    for column in range(len(COLUMNS)):
                        item.setForeground(column, grey)
                    group.addChild(item)
            self.tree.expandAll()
        finally:
            self.tree.blockSignals(False)
        self._apply_filter(self.filter_edit.text())

    def _top_items(self) -> list[QTreeWidgetItem]:
        items = (self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount()))
        return [item for item in items if item is not None]

    @staticmethod
    def _children(item: QTreeWidgetItem) -> list[QTreeWidgetItem]:
        children = (item.child(i) for i in range(item.childCount()))
        return [child for child in children if child is not None]

    @staticmethod
    def _line_text(item: QTreeWidgetItem) -> str:
        return normalise_search(" ".join(item.text(c) for c in range(len(COLUMNS))))

    def _apply_filter(self, text: str) -> None:
        words = normalise_search(text).split()
        for top in self._top_items():
            top_text = self._line_text(top)
            any_child = False
            for child in self._children(top):
                # A person is found by the organisation's name too ("wijkteam").
                shown = all(w in f"{self._line_text(child)} {top_text}" for w in words)
                child.setHidden(not shown)
                any_child = any_child or shown
            top.setHidden(bool(words) and not any_child and not all(w in top_text for w in words))

    def _find_item(self, target: Target) -> QTreeWidgetItem | None:
        for top in self._top_items():
            if tuple(top.data(0, TARGET_ROLE)) == target:
                return top
            for child in self._children(top):
                if tuple(child.data(0, TARGET_ROLE)) == target:
                    return child
        return None

    def item_of(self, name: str) -> QTreeWidgetItem | None:
        """The tree line whose first column is `name` (for tests and keyboard search)."""
        found = self.tree.findItems(name, Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive)
        return found[0] if found else None

    def _current_changed(self, current: QTreeWidgetItem | None, previous: object) -> None:
        if current is None:
            return
        kind, target_id = current.data(0, TARGET_ROLE)
        target = (kind, int(target_id))
        if target == self._target or kind == "group":
            return
        if self.is_dirty() and not self._confirm_leave():
            self.tree.blockSignals(True)
            old = self._find_item(self._target) if self._target else None
            if old is not None:
                self.tree.setCurrentItem(old)
            self.tree.blockSignals(False)
            return
        self._show_editor(kind, target)

    def _confirm_leave(self) -> bool:
        choice = common.ask_save_changes(self, "De gegevens zijn gewijzigd maar niet opgeslagen.")
        if choice == common.SAVE:
            self.save()
            return False  # stay until the save is done; the user chooses again
        return choice == common.DISCARD

    def _focus_editor(self) -> None:
        if self._page == "person":
            self.person_editor.name_edit.setFocus()
        elif self._page == "org":
            self.org_editor.name_edit.setFocus()

    # The editors ------------------------------------------------------------------------------

    def _fill_organisation_combo(self) -> None:
        combo = self.person_editor.organisation_combo
        self._filling = True
        try:
            combo.clear()
            combo.addItem("Kies een organisatie…", "")
            for org in self._organisations:
                if not org.archived:
                    combo.addItem(f"{org.name} ({org.team.label})", str(org.id))
        finally:
            self._filling = False

    def _person(self, person_id: int) -> ParticipantInfo | None:
        return next((p for p in self._participants if p.id == person_id), None)

    def _organisation(self, org_id: int) -> OrganisationInfo | None:
        return next((o for o in self._organisations if o.id == org_id), None)

    def _show_editor(self, page: str, target: Target | None) -> None:
        """Show the editor of `target` (None: a new one of kind `page`; "": none)."""
        self._page, self._target = page, target
        self._filling = True
        try:
            for editor in (self.person_editor, self.org_editor):
                for label in editor.errors.values():
                    label.hide()
            if page == "person":
                person = self._person(target[1]) if target else None
                state = (
                    {
                        "name": person.name,
                        "function": person.function,
                        "organisation": str(person.organisation_id),
                        "email": person.email,
                        "phone": person.phone,
                        "code": person.code,
                    }
                    if person
                    else {"organisation": ""}
                )
                if person is not None and person.archived_on is not None:
                    # An archived person's organisation is shown even if it is archived too.
                    combo = self.person_editor.organisation_combo
                    if combo.findData(str(person.organisation_id)) < 0:
                        combo.addItem(person.organisation_name, str(person.organisation_id))
                self.person_editor.set_state(state)
                self._set_person_archived(person)
                self.person_editor.setTitle("Deelnemer" if person else "Nieuwe deelnemer")
                self.editors.setCurrentWidget(self.person_editor)
            elif page == "org":
                org = self._organisation(target[1]) if target else None
                state = {"name": org.name, "team": str(org.team)} if org else {"team": ""}
                self.org_editor.set_state(state)
                self.org_editor.setTitle("Organisatie" if org else "Nieuwe organisatie")
                self.editors.setCurrentWidget(self.org_editor)
            else:
                self.person_editor.set_state({})
                self.org_editor.set_state({})
                self.editors.setCurrentWidget(self.hint_label)
        finally:
            self._filling = False
        self._baseline = self._editor_state()
        self._edited()

    def _set_person_archived(self, person: ParticipantInfo | None) -> None:
        archived = person is not None and person.archived_on is not None
        editor = self.person_editor
        for edit in (
            editor.name_edit,
            editor.function_edit,
            editor.email_edit,
            editor.phone_edit,
            editor.code_edit,
        ):
            edit.setReadOnly(archived)
        editor.organisation_combo.setEnabled(not archived)
        editor.archive_button.setVisible(person is not None and not archived)
        editor.save_button.setVisible(not archived)
        if archived and person is not None:
            editor.archived_label.setText(
                f"Gearchiveerd op {format_date(person.archived_on)}. De naam blijft staan bij "
                "eerdere actiepunten en verslagen; nieuwe actiepunten kunnen niet meer naar "
                "deze deelnemer."
            )
        editor.archived_label.setVisible(archived)

    def _editor_state(self) -> EditorState:
        if self._page == "person":
            return self.person_editor.state()
        if self._page == "org":
            return self.org_editor.state()
        return {}

    def _set_editor_state(self, state: EditorState) -> None:
        if self._page == "person":
            self.person_editor.set_state(state)
        elif self._page == "org":
            self.org_editor.set_state(state)
        self._edited()

    def is_dirty(self) -> bool:
        """Whether the editor holds typed values that are not saved."""
        return bool(self._page) and self._editor_state() != self._baseline

    def _edited(self) -> None:
        if self._filling:
            return
        dirty = self.is_dirty()
        self.person_editor.save_button.setEnabled(dirty and not self._saving)
        self.org_editor.save_button.setEnabled(dirty and not self._saving)
        archive = self.person_editor.archive_button
        archive.setEnabled(not dirty and not self._saving)
        archive.setToolTip(
            "Sla eerst de wijzigingen op"
            if dirty
            else "Deze deelnemer is vertrokken: bewaren onder Gearchiveerd, met de naam bij "
            "eerdere actiepunten"
        )

    def new_person(self) -> None:
        """An empty participant editor (Ctrl+N)."""
        if self._store is None or (self.is_dirty() and not self._confirm_leave()):
            return
        self.tree.clearSelection()
        self._show_editor("person", None)
        # A new person usually joins the organisation that is selected in the tree.
        current = self.tree.currentItem()
        if current is not None:
            kind, target_id = current.data(0, TARGET_ROLE)
            org_id = target_id if kind == "org" else None
            if kind == "person" and (person := self._person(int(target_id))) is not None:
                org_id = person.organisation_id
            combo = self.person_editor.organisation_combo
            if org_id is not None and combo.findData(str(org_id)) >= 0:
                self._filling = True
                combo.setCurrentIndex(combo.findData(str(org_id)))
                self._filling = False
                self._baseline = self._editor_state()
        self.person_editor.name_edit.setFocus()

    def new_organisation(self) -> None:
        """An empty organisation editor."""
        if self._store is None or (self.is_dirty() and not self._confirm_leave()):
            return
        self.tree.clearSelection()
        self._show_editor("org", None)
        self.org_editor.name_edit.setFocus()

    # Saving and archiving ---------------------------------------------------------------------

    def _show_message(self, text: str, *, error: bool = False) -> None:
        self.message_label.show_message(text, error=error)

    def save(self) -> None:
        """Check and save the editor in the background (Ctrl+S)."""
        store = self._store
        if store is None or not self._page or self._saving:
            return
        editor: PersonEditor | OrganisationEditor = self.org_editor
        if self._page == "person":
            if self.person_editor.archived_label.isVisible():
                return
            editor = self.person_editor
        errors = editor.check()
        for name, label in editor.errors.items():
            label.setText(errors.get(name, ""))
            label.setVisible(name in errors)
        if errors:
            self._show_message(
                "Niet opgeslagen: verbeter wat in rood bij de velden staat.", error=True
            )
            return
        state = editor.state()
        target = self._target
        page = self._page

        def write(store: Store) -> Target:
            if page == "person":
                org_id = int(state["organisation"])
                if target is None:
                    person = people.create_participant(
                        store,
                        state["name"],
                        org_id,
                        function=state["function"],
                        email=state["email"],
                        phone=state["phone"],
                        code=state["code"],
                    )
                else:
                    person = people.update_participant(
                        store,
                        target[1],
                        name=state["name"],
                        function=state["function"],
                        email=state["email"],
                        phone=state["phone"],
                        organisation_id=org_id,
                        code=state["code"],
                    )
                return ("person", person.id)
            if target is None:
                org = people.create_organisation(store, state["name"], Team(state["team"]))
            else:
                org = people.update_organisation(
                    store, target[1], name=state["name"], team=Team(state["team"])
                )
            return ("org", org.id)

        self._run_write(store, write, f"{state['name'].strip()} is opgeslagen.")

    def _run_write(self, store: Store, write: Callable[[Store], Target], success: str) -> None:
        self._saving = True
        self._edited()

        def done(saved: Target) -> None:
            self._target = saved
            self._baseline = self._editor_state()  # written: no longer unsaved
            self._show_message(success)
            self._reload(then_select=saved)
            self.saved.emit()

        def failed(exc: CasusoverlegError) -> None:
            self._show_message(style.failed_because(exc), error=True)

        def finished() -> None:
            self._saving = False
            self._edited()

        op = StoreOp(self, store, write).changes(Change.PEOPLE)
        op.success(done).failure(failed).finished(finished).run()

    def archive_current(self) -> None:
        """Archive the participant in the editor, after asking (never deletes)."""
        store = self._store
        if store is None or self._page != "person" or self._target is None:
            return
        person = self._person(self._target[1])
        if person is None or person.archived_on is not None:
            return
        if not common.ask(
            self,
            "Deelnemer archiveren",
            f"{person.name} ({person.organisation_name}) archiveren?",
            yes="Archiveren",
            detail=(
                "De deelnemer verdwijnt uit de keuzelijsten en komt onder Gearchiveerd. Niets "
                "wordt verwijderd: eerdere actiepunten en verslagen houden de naam."
            ),
        ):
            return
        target = self._target

        def write(store: Store) -> Target:
            people.archive_participant(store, target[1])
            return target

        self._run_write(store, write, f"{person.name} is gearchiveerd.")
