"""Vaste deelnemers en secretaris of a series: who is invited to every meeting, and by whom.

A panel for the new-series dialog and a small dialog for an existing series. Everything is
reachable by keyboard: pick a person (type the first letters), a role, Toevoegen; Delete
takes the chosen line off the list.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from casusoverleg.domain.enums import MeetingRole
from casusoverleg.errors import CasusoverlegError
from casusoverleg.services import people
from casusoverleg.services.calendar import usable_email
from casusoverleg.services.meetings import SeriesInfo
from casusoverleg.services.people import ParticipantInfo
from casusoverleg.services.series_members import (
    SeriesPeople,
    StandingMember,
    series_people,
    set_series_people,
)
from casusoverleg.services.store import Store

from ui import ops, style
from ui.ops import Change, StoreOp

MEMBER_COLUMNS = ("Naam", "Organisatie", "Rol", "E-mail")
NO_EMAIL = "geen e-mailadres"
_NO_SECRETARY = "(nog niemand)"
# Chair and minute-taker first, as on the agenda.
_ROLES = (MeetingRole.DEELNEMER, MeetingRole.VOORZITTER, MeetingRole.NOTULIST)
_ROLE_ORDER = {MeetingRole.VOORZITTER: 0, MeetingRole.NOTULIST: 1, MeetingRole.DEELNEMER: 2}


@dataclass(frozen=True)
class _Person:
    id: int
    name: str
    organisation: str
    email: str
    archived: bool

    @property
    def label(self) -> str:
        return f"{self.name} ({self.organisation})"


class SeriesPeoplePanel(QGroupBox):
    """Pick a series' standing participants (with role) and its secretary."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Vaste deelnemers (uitgenodigd voor elk overleg)", parent)
        self._people: dict[int, _Person] = {}
        self._members: dict[int, MeetingRole] = {}

        self.person_combo = QComboBox()
        self.person_combo.setAccessibleName("Deelnemer om toe te voegen")
        self.person_combo.setMinimumContentsLength(28)
        self.person_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.role_combo = QComboBox()
        self.role_combo.setAccessibleName("Rol in elk overleg")
        for role in _ROLES:
            self.role_combo.addItem(role.label, str(role))
        self.add_button = QPushButton("Toe&voegen")
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(self.add_chosen)
        self.remove_button = QPushButton("Eraf &halen")
        self.remove_button.setAutoDefault(False)
        self.remove_button.clicked.connect(self.remove_current)

        self.members_tree = QTreeWidget()
        self.members_tree.setObjectName("vaste-deelnemers")
        self.members_tree.setAccessibleName("Vaste deelnemers")
        self.members_tree.setColumnCount(len(MEMBER_COLUMNS))
        self.members_tree.setHeaderLabels(list(MEMBER_COLUMNS))
        self.members_tree.setRootIsDecorated(False)
        self.members_tree.setUniformRowHeights(True)
        self.members_tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.members_tree.header().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.members_tree.header().setStretchLastSection(True)
        metrics = self.members_tree.fontMetrics()
        self.members_tree.setColumnWidth(0, metrics.averageCharWidth() * 18)
        self.members_tree.setColumnWidth(1, metrics.averageCharWidth() * 18)
        self.members_tree.setColumnWidth(2, metrics.horizontalAdvance("voorzitter") + 24)
        # Five lines fit; more scroll. The dialog must fit on a 1280×800 screen.
        self.members_tree.setFixedHeight(metrics.height() * 7 + 12)
        self.members_tree.itemSelectionChanged.connect(self._update_buttons)
        delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.members_tree)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self.remove_current)

        self.secretary_combo = QComboBox()
        self.secretary_combo.setAccessibleName("Secretaris, verstuurt de uitnodigingen")
        self.secretary_combo.currentIndexChanged.connect(self._secretary_changed)
        self.note_label = QLabel()
        self.note_label.setWordWrap(True)
        self.note_label.setStyleSheet(style.WARNING_STYLE)
        self.note_label.hide()

        grid = QGridLayout(self)
        person_label = QLabel("&Persoon:")
        person_label.setBuddy(self.person_combo)
        role_label = QLabel("&Rol:")
        role_label.setBuddy(self.role_combo)
        grid.addWidget(person_label, 0, 0)
        grid.addWidget(self.person_combo, 0, 1)
        grid.addWidget(role_label, 0, 2)
        grid.addWidget(self.role_combo, 0, 3)
        grid.addWidget(self.add_button, 0, 4)
        grid.addWidget(self.members_tree, 1, 0, 1, 4)
        grid.addWidget(self.remove_button, 1, 4, Qt.AlignmentFlag.AlignTop)
        secretary_label = QLabel("Se&cretaris (verstuurt de uitnodigingen):")
        secretary_label.setBuddy(self.secretary_combo)
        secretary_row = QHBoxLayout()
        secretary_row.addWidget(secretary_label)
        secretary_row.addWidget(self.secretary_combo, 1)
        grid.addLayout(secretary_row, 2, 0, 1, 5)
        grid.addWidget(self.note_label, 3, 0, 1, 5)
        grid.setColumnStretch(1, 1)
        self.setEnabled(False)  # until the participants are read
        self._update_buttons()

    # Filling ----------------------------------------------------------------------------------

    def set_choices(self, participants: list[ParticipantInfo], chosen: SeriesPeople) -> None:
        """Show who can be picked (active people) and who is chosen now (may be archived)."""
        found = {
            p.id: _Person(
                p.id, p.name, p.organisation_name, p.email.strip(), p.archived_on is not None
            )
            for p in participants
        }
        for m in (*chosen.members, *((chosen.secretary,) if chosen.secretary else ())):
            found.setdefault(
                m.participant_id,
                _Person(m.participant_id, m.name, m.organisation_name, m.email, m.archived),
            )
        self._people = found
        self._members = {m.participant_id: m.role for m in chosen.members}
        active = sorted(
            (p for p in found.values() if not p.archived), key=lambda p: p.label.lower()
        )
        self.person_combo.clear()
        for person in active:
            self.person_combo.addItem(person.label, person.id)
        self.secretary_combo.blockSignals(True)
        self.secretary_combo.clear()
        self.secretary_combo.addItem(_NO_SECRETARY, None)
        secretary = chosen.secretary.participant_id if chosen.secretary else None
        for person in active:
            self.secretary_combo.addItem(person.label, person.id)
        if secretary is not None and self.secretary_combo.findData(secretary) < 0:
            self.secretary_combo.addItem(f"{found[secretary].label}, gearchiveerd", secretary)
        self.secretary_combo.setCurrentIndex(max(0, self.secretary_combo.findData(secretary)))
        self.secretary_combo.blockSignals(False)
        self.setEnabled(True)
        self._refresh()

    # Editing ----------------------------------------------------------------------------------

    def add_chosen(self) -> None:
        """Put the person in the combo on the list with the role chosen (or give a new role)."""
        person_id = self.person_combo.currentData()
        if person_id is None:
            return
        role = MeetingRole(self.role_combo.currentData())
        if role is not MeetingRole.DEELNEMER:
            # One chair and one minute-taker: the one before becomes an ordinary participant.
            for other, their in self._members.items():
                if their is role and other != person_id:
                    self._members[other] = MeetingRole.DEELNEMER
        self._members[int(person_id)] = role
        self._refresh(select=int(person_id))

    def remove_current(self) -> None:
        """Take the chosen line off the list."""
        item = self.members_tree.currentItem()
        if item is None:
            return
        self._members.pop(int(item.data(0, Qt.ItemDataRole.UserRole)), None)
        self._refresh()

    def _secretary_changed(self, _index: int) -> None:
        self._refresh()

    # Reading ----------------------------------------------------------------------------------

    def members(self) -> tuple[StandingMember, ...]:
        """The standing participants as chosen."""
        return tuple(StandingMember(pid, role) for pid, role in self._ordered())

    def secretary_id(self) -> int | None:
        """The chosen secretary's participant id, or None."""
        data = self.secretary_combo.currentData()
        return None if data is None else int(data)

    def member_texts(self) -> list[tuple[str, str, str, str]]:
        """The list as shown (name, organisation, role, e-mail)."""
        found = []
        for row in range(self.members_tree.topLevelItemCount()):
            item = self.members_tree.topLevelItem(row)
            if item is not None:
                found.append((item.text(0), item.text(1), item.text(2), item.text(3)))
        return found

    def _ordered(self) -> list[tuple[int, MeetingRole]]:
        return sorted(
            self._members.items(),
            key=lambda pr: (_ROLE_ORDER[pr[1]], self._people[pr[0]].name.lower()),
        )

    def _refresh(self, select: int | None = None) -> None:
        tree = self.members_tree
        current = tree.currentItem()
        keep = select
        if keep is None and current is not None:
            keep = int(current.data(0, Qt.ItemDataRole.UserRole))
        tree.clear()
        chosen_item = None
        for pid, role in self._ordered():
            person = self._people[pid]
            name = person.name + (" (gearchiveerd)" if person.archived else "")
            item = QTreeWidgetItem(
                [name, person.organisation, role.label, person.email or NO_EMAIL]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, pid)
            if not usable_email(person.email):
                item.setForeground(3, QBrush(QColor(style.ERROR_COLOUR)))
            tree.addTopLevelItem(item)
            if pid == keep:
                chosen_item = item
        if chosen_item is not None:
            tree.setCurrentItem(chosen_item)
        self.note_label.setText(self.note())
        self.note_label.setVisible(bool(self.note_label.text()))
        self._update_buttons()
        self.changed.emit()

    def note(self) -> str:
        """What stops the calendar files from being invitations, in Dutch ("" when nothing)."""
        lines = []
        secretary = self.secretary_id()
        if secretary is None:
            lines.append(
                "Zonder secretaris worden de agendabestanden (.ics) geen uitnodiging die men "
                "kan aannemen."
            )
        elif not usable_email(self._people[secretary].email):
            lines.append(
                f"{self._people[secretary].name} heeft geen (bruikbaar) e-mailadres: vul het in "
                "bij Deelnemers, anders worden de agendabestanden geen uitnodiging."
            )
        without = [
            self._people[pid].name
            for pid, _r in self._ordered()
            if not usable_email(self._people[pid].email)
        ]
        if without:
            lines.append(
                "Zonder (bruikbaar) e-mailadres, dus niet uitgenodigd in de agendabestanden: "
                + ", ".join(without)
                + "."
            )
        return "\n".join(lines)

    def _update_buttons(self) -> None:
        self.remove_button.setEnabled(self.members_tree.currentItem() is not None)


class SeriesPeopleDialog(QDialog):
    """Vaste deelnemers en secretaris of an existing series; saves on the database worker."""

    saved = Signal(object)  # SeriesPeople

    def __init__(self, store: Store, series: SeriesInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Deelnemers van {series.name}")
        self._store: Store | None = store
        self._series_id = series.id
        self.panel = SeriesPeoplePanel()
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(style.ERROR_STYLE)
        self.error_label.hide()
        self.buttons = QDialogButtonBox()
        self.save_button = QPushButton("&Opslaan")
        self.save_button.setDefault(True)
        self.save_button.setEnabled(False)
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = self.buttons.addButton("Annuleren", QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setAutoDefault(False)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.panel, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        series_id = series.id
        StoreOp(
            self,
            store,
            lambda s: (people.list_participants(s), series_people(s, series_id)),
        ).success(self._loaded).failure(self._show_failure).run()

    def _loaded(self, loaded: tuple[list[ParticipantInfo], SeriesPeople]) -> None:
        self.panel.set_choices(*loaded)
        self.save_button.setEnabled(True)
        self.panel.person_combo.setFocus()

    def _show_failure(self, exc: CasusoverlegError) -> None:
        self.error_label.setText(f"Niet opgeslagen: {exc.message}")
        self.error_label.show()
        self.save_button.setEnabled(self._store is not None)

    def save(self) -> None:
        """Save the list and the secretary on the database worker."""
        store = self._store
        if store is None or not self.save_button.isEnabled():
            return
        self.save_button.setEnabled(False)
        members, secretary, series_id = (
            self.panel.members(),
            self.panel.secretary_id(),
            self._series_id,
        )
        StoreOp(self, store, lambda s: set_series_people(s, series_id, members, secretary)).changes(
            Change.MEETINGS
        ).success(self._saved).failure(self._show_failure).run()

    def _saved(self, chosen: SeriesPeople) -> None:
        self.saved.emit(chosen)
        self.accept()

    def forget_store(self) -> None:
        """The store is being locked: close without saving."""
        self._store = None
        ops.drop_pending(self)
        self.reject()
