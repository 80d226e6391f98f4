"""Nieuwe overlegreeks: the rule, the holidays to skip and, live while you type, its dates.

The preview calls `meetings.preview_series`, which only computes (no store, no files once the
holiday tables are loaded; a few milliseconds), so it runs on the GUI thread on every change.
Saving goes to the database worker. The standing participants and the secretary (who sends
the invitations) are picked in `SeriesPeoplePanel`, filled from a read on the worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

from PySide6.QtCore import Qt, QTime, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTimeEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from casusoverleg.domain.recurrence import (
    ORDINALS,
    WEEKDAY_NAMES,
    Recurrence,
    Region,
    SeriesPlan,
    SkipMode,
    SkipRules,
)
from casusoverleg.errors import CasusoverlegError
from casusoverleg.services import meetings, people
from casusoverleg.services.meetings import PastCheck, PastDates, SeriesInfo, SeriesInput
from casusoverleg.services.people import ParticipantInfo
from casusoverleg.services.series_members import SeriesPeople
from casusoverleg.services.store import Store

from ui import ops, style
from ui.common import format_date, long_date, plural
from ui.meetings.series_people import SeriesPeoplePanel
from ui.meetings.texts import short_date
from ui.ops import Change, StoreOp
from ui.widgets.date_field import DateField

PREVIEW_COLUMNS = ("Nr.", "Datum", "Toelichting")
# The name a series gets in the preview while its name field is still empty.
_PREVIEW_NAME = "(nieuwe reeks)"
SAVE_TEXT = "Reeks &opslaan"


@dataclass(frozen=True)
class PreviewLine:
    """One line of the preview: a meeting (numbered) or a date skipped for a holiday."""

    number: int | None  # None: no meeting on this date
    date: date
    note: str
    kind: str  # "meeting", "moved" or "skipped"


def preview_lines(plan: SeriesPlan, held_before: date | None = None) -> list[PreviewLine]:
    """The plan's meetings and skipped dates in date order, each with its Dutch note.

    Meetings before `held_before` are saved as held ones, and say so.
    """
    lines: list[PreviewLine] = []
    for number, planned in enumerate(plan.planned, start=1):
        if held_before is not None and planned.date < held_before:
            lines.append(
                PreviewLine(number, planned.date, "al gehouden (verslag in concept)", "held")
            )
        elif planned.moved:
            reason = next((s.reason for s in plan.skipped if s.date == planned.original_date), "")
            note = f"verschoven van {short_date(planned.original_date)}"
            lines.append(
                PreviewLine(number, planned.date, f"{note} ({reason})" if reason else note, "moved")
            )
        else:
            lines.append(PreviewLine(number, planned.date, "", "meeting"))
    for skipped in plan.skipped:
        if skipped.moved_to is None:
            lines.append(PreviewLine(None, skipped.date, f"vervalt: {skipped.reason}", "skipped"))
    return sorted(lines, key=lambda line: (line.date, line.number or 0))


def summary_text(plan: SeriesPlan) -> str:
    """ "12 overleggen, van di 1 september 2026 tot en met …; 3 data overgeslagen"."""
    if not plan.planned:
        return "Deze reeks levert geen enkel overleg op."
    text = plural(len(plan.planned), "overleg", "overleggen")
    first, last = plan.planned[0].date, plan.planned[-1].date
    text += (
        f" op {short_date(first)}"
        if first == last
        else f", van {short_date(first)} tot en met {short_date(last)}"
    )
    dropped = sum(1 for s in plan.skipped if s.moved_to is None)
    moved = len(plan.skipped) - dropped
    parts = []
    if dropped:
        parts.append(f"{plural(dropped, 'datum vervalt', 'data vervallen')}")
    if moved:
        parts.append(f"{plural(moved, 'overleg verschoven', 'overleggen verschoven')}")
    if parts:
        text += "; " + " en ".join(parts) + " wegens feestdag of vakantie"
    return text + "."


def _spin(low: int, high: int, value: int, name: str) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(low, high)
    spin.setValue(value)
    spin.setAccessibleName(name)
    return spin


def _weekday_combo(name: str) -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName(name)
    for index, day in enumerate(WEEKDAY_NAMES[:5]):  # meetings are on working days
        combo.addItem(day, index)
    return combo


class SeriesDialog(QDialog):
    """A new meeting series: shows the dates it will produce, and skipped holidays, as you type."""

    created = Signal(object)  # SeriesInfo, once it is saved

    def __init__(
        self,
        store: Store,
        *,
        region: Region = Region.NOORD,
        minutes: int = 120,
        start: date | None = None,
        today: date | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._today = today or date.today()
        self._past_check = PastCheck(0, None)
        self.setWindowTitle("Nieuwe overlegreeks")
        self._store: Store | None = store
        self._saving = False
        self._plan: SeriesPlan | None = None
        self._weekday_chosen = False  # until the user picks one, the weekday follows the date
        start = start or date.today() + timedelta(days=1)

        self.name_edit = QLineEdit()
        self.name_edit.setMaxLength(200)
        self.name_edit.setPlaceholderText("bijvoorbeeld Casusoverleg vrijstellingen Zwolle")
        self.location_edit = QLineEdit()
        self.location_edit.setMaxLength(200)
        self.location_edit.setPlaceholderText("bijvoorbeeld Stadskantoor, vergaderzaal 2.14")
        self.start_field = DateField()
        self.start_field.set_text(format_date(start))
        self.time_edit = QTimeEdit(QTime(9, 30))
        self.time_edit.setDisplayFormat("HH:mm")
        self.time_edit.setAccessibleName("Begintijd")
        self.minutes_spin = _spin(15, meetings.MAX_MINUTES, minutes, "Duur in minuten")
        self.minutes_spin.setSingleStep(15)
        self.minutes_spin.setSuffix(" minuten")
        self.minutes_spin.setMinimumWidth(
            self.minutes_spin.fontMetrics().horizontalAdvance("480 minuten") + 40
        )

        self.weekday_combo = _weekday_combo("Weekdag")
        self.weekday_combo.setCurrentIndex(min(start.weekday(), 4))
        self.weekly_radio = QRadioButton("&Wekelijks: om de")
        self.weeks_spin = _spin(1, 52, 3, "Aantal weken")
        self.monthly_radio = QRadioButton("&Maandelijks: de")
        self.ordinal_combo = QComboBox()
        self.ordinal_combo.setAccessibleName("Welke weekdag van de maand")
        for nth, word in ORDINALS.items():
            self.ordinal_combo.addItem(word, nth)
        self.ordinal_combo.setCurrentIndex(1)
        self.months_spin = _spin(1, 12, 1, "Aantal maanden")
        self.weekly_radio.setChecked(True)
        self._frequency = QButtonGroup(self)
        self._frequency.addButton(self.weekly_radio)
        self._frequency.addButton(self.monthly_radio)
        self.rule_label = QLabel()
        self.rule_label.setWordWrap(True)

        self.count_radio = QRadioButton("&na")
        self.count_spin = _spin(1, 500, 12, "Aantal overleggen")
        self.until_radio = QRadioButton("&tot en met")
        self.until_field = DateField()
        self.until_field.edit.setAccessibleName("Tot en met datum")
        self.until_field.set_text(format_date(date(start.year + (start.month >= 7), 7, 1)))
        self.count_radio.setChecked(True)
        self._end = QButtonGroup(self)
        self._end.addButton(self.count_radio)
        self._end.addButton(self.until_radio)

        self.public_check = QCheckBox("&feestdagen")
        self.public_check.setChecked(True)
        self.school_check = QCheckBox("&schoolvakanties, regio")
        self.school_check.setChecked(True)
        self.region_combo = QComboBox()
        self.region_combo.setAccessibleName("Vakantieregio")
        for each in Region:
            self.region_combo.addItem(each.label, str(each))
        self.region_combo.setCurrentIndex(max(0, self.region_combo.findData(str(region))))
        self.mode_combo = QComboBox()
        self.mode_combo.setAccessibleName("Wat gebeurt er met een overleg op een vrije dag")
        self.mode_combo.addItem("vervalt het overleg", str(SkipMode.DROP))
        self.mode_combo.addItem("wordt het verschoven naar een andere werkdag", str(SkipMode.MOVE))

        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.preview = QTreeWidget()
        self.preview.setObjectName("reeks-voorbeeld")
        self.preview.setColumnCount(len(PREVIEW_COLUMNS))
        self.preview.setHeaderLabels(list(PREVIEW_COLUMNS))
        self.preview.setRootIsDecorated(False)
        self.preview.setUniformRowHeights(True)
        self.preview.setAlternatingRowColors(True)
        self.preview.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.preview.setAccessibleName("Data van de reeks")
        metrics = self.preview.fontMetrics()
        self.preview.setColumnWidth(0, metrics.horizontalAdvance("Nr.000") + 12)
        self.preview.setColumnWidth(1, metrics.horizontalAdvance("wo 30 september 2026") + 24)
        self.preview.header().setStretchLastSection(True)
        self.preview.header().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.preview.setMinimumWidth(metrics.averageCharWidth() * 84)
        self.warning_label = QLabel()
        self.warning_label.setWordWrap(True)
        self.warning_label.setStyleSheet(style.WARNING_STYLE)
        self.warning_label.hide()
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(style.ERROR_STYLE)
        self.error_label.hide()
        self.people_panel = SeriesPeoplePanel()

        # Shown only when dates lie before today: the user must say what they are (issue 13).
        self.past_box = QGroupBox("Data vóór vandaag")
        self.past_label = QLabel()
        self.past_label.setWordWrap(True)
        self.held_radio = QRadioButton()
        self.from_today_radio = QRadioButton()
        self._past_choice = QButtonGroup(self)
        self._past_choice.addButton(self.held_radio)
        self._past_choice.addButton(self.from_today_radio)
        past_rows = QVBoxLayout(self.past_box)
        past_rows.addWidget(self.past_label)
        past_rows.addWidget(self.held_radio)
        past_rows.addWidget(self.from_today_radio)
        self.past_box.hide()

        self.buttons = QDialogButtonBox()
        self.save_button = QPushButton(SAVE_TEXT)
        self.save_button.setDefault(True)
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = self.buttons.addButton("Annuleren", QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setAutoDefault(False)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        self._build_layout()
        for signal in (
            self.name_edit.textEdited,
            self.start_field.edited,
            self.until_field.edited,
        ):
            signal.connect(self._update_preview)
        for spin in (self.minutes_spin, self.weeks_spin, self.months_spin, self.count_spin):
            spin.valueChanged.connect(self._update_preview)
        for combo in (self.ordinal_combo, self.region_combo, self.mode_combo):
            combo.currentIndexChanged.connect(self._update_preview)
        for button in (
            self.weekly_radio,
            self.monthly_radio,
            self.count_radio,
            self.until_radio,
            self.public_check,
            self.school_check,
            self.held_radio,
            self.from_today_radio,
        ):
            button.toggled.connect(self._update_preview)
        self.time_edit.timeChanged.connect(self._update_preview)
        self.weekday_combo.activated.connect(self._weekday_picked)
        self.weekday_combo.currentIndexChanged.connect(self._update_preview)
        self.start_field.edited.connect(self._follow_start_date)
        # Typing in a spin box of a row chooses that row.
        self.weeks_spin.valueChanged.connect(lambda _v: self.weekly_radio.setChecked(True))
        self.months_spin.valueChanged.connect(lambda _v: self.monthly_radio.setChecked(True))
        self.ordinal_combo.activated.connect(lambda _i: self.monthly_radio.setChecked(True))
        self.count_spin.valueChanged.connect(lambda _v: self.count_radio.setChecked(True))
        self.until_field.edited.connect(lambda: self.until_radio.setChecked(True))
        self._update_preview()
        self.name_edit.setFocus()
        StoreOp(self, store, people.list_participants).success(self._participants_read).run()

    def _participants_read(self, participants: list[ParticipantInfo]) -> None:
        self.people_panel.set_choices(participants, SeriesPeople())

    def _build_layout(self) -> None:
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)

        def row(label: str, field: QWidget) -> None:
            text = QLabel(label)
            text.setBuddy(field)
            form.addRow(text, field)

        row("&Naam:", self.name_edit)
        row("&Locatie:", self.location_edit)
        row("&Eerste datum:", self.start_field)
        when = QHBoxLayout()
        when.addWidget(self.time_edit)
        duration = QLabel("&duur:")
        duration.setBuddy(self.minutes_spin)
        when.addSpacing(12)
        when.addWidget(duration)
        when.addWidget(self.minutes_spin)
        when.addStretch(1)
        time_label = QLabel("&Begintijd:")
        time_label.setBuddy(self.time_edit)
        form.addRow(time_label, when)

        rule = QGroupBox("Herhaling")
        rule_form = QFormLayout(rule)
        weekday_label = QLabel("Week&dag:")
        weekday_label.setBuddy(self.weekday_combo)
        rule_form.addRow(weekday_label, self.weekday_combo)
        weekly = QHBoxLayout()
        weekly.addWidget(self.weekly_radio)
        weekly.addWidget(self.weeks_spin)
        weekly.addWidget(QLabel("week/weken"))
        weekly.addStretch(1)
        monthly = QHBoxLayout()
        monthly.addWidget(self.monthly_radio)
        monthly.addWidget(self.ordinal_combo)
        monthly.addWidget(QLabel("weekdag, elke"))
        monthly.addWidget(self.months_spin)
        monthly.addWidget(QLabel("maand(en)"))
        monthly.addStretch(1)
        rule_form.addRow(weekly)
        rule_form.addRow(monthly)
        rule_form.addRow(self.rule_label)

        end = QGroupBox("Einde")
        end_rows = QVBoxLayout(end)
        by_count = QHBoxLayout()
        by_count.addWidget(self.count_radio)
        by_count.addWidget(self.count_spin)
        by_count.addWidget(QLabel("overleggen (die doorgaan)"))
        by_count.addStretch(1)
        by_date = QHBoxLayout()
        by_date.addWidget(self.until_radio)
        by_date.addWidget(self.until_field)
        by_date.addStretch(1)
        end_rows.addLayout(by_count)
        end_rows.addLayout(by_date)

        skip = QGroupBox("Niet op")
        skip_rows = QVBoxLayout(skip)
        skip_rows.addWidget(self.public_check)
        school = QHBoxLayout()
        school.addWidget(self.school_check)
        school.addWidget(self.region_combo)
        school.addStretch(1)
        skip_rows.addLayout(school)
        mode = QHBoxLayout()
        mode_label = QLabel("Valt een datum op een vrije dag, dan")
        mode_label.setBuddy(self.mode_combo)
        mode.addWidget(mode_label)
        mode.addWidget(self.mode_combo)
        mode.addStretch(1)
        skip_rows.addLayout(mode)

        left = QVBoxLayout()
        left.addLayout(form)
        left.addWidget(rule)
        left.addWidget(end)
        left.addWidget(skip)
        left.addStretch(1)

        preview_box = QGroupBox("Data van de reeks (nog niet opgeslagen)")
        right = QVBoxLayout(preview_box)
        right.addWidget(self.summary_label)
        right.addWidget(self.warning_label)
        right.addWidget(self.preview, 1)
        right_column = QVBoxLayout()
        right_column.addWidget(self.past_box)
        right_column.addWidget(preview_box, 1)
        right_column.addWidget(self.people_panel)

        columns = QHBoxLayout()
        columns.addLayout(left)
        columns.addLayout(right_column, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

    # Input ------------------------------------------------------------------------------------

    def _weekday_picked(self, _index: int) -> None:
        self._weekday_chosen = True

    def _follow_start_date(self) -> None:
        """Until a weekday is picked, the series recurs on the weekday of its first date."""
        if self._weekday_chosen:
            return
        try:
            start = self.start_field.value()
        except ValueError:
            return
        if start is not None and start.weekday() < 5:
            self.weekday_combo.setCurrentIndex(start.weekday())

    def recurrence(self) -> Recurrence:
        """The rule as the fields set it."""
        weekday = int(self.weekday_combo.currentData())
        if self.weekly_radio.isChecked():
            return Recurrence.weekly(weekday, self.weeks_spin.value())
        return Recurrence.monthly(
            weekday, int(self.ordinal_combo.currentData()), self.months_spin.value()
        )

    def series_input(self, *, name: str | None = None) -> SeriesInput:
        """What is filled in; ValueError (Dutch) for a date that is no date."""
        start = self.start_field.value()
        if start is None:
            raise ValueError("Vul de eerste datum in.")
        until = None
        count = None
        if self.until_radio.isChecked():
            until = self.until_field.value()
            if until is None:
                raise ValueError("Vul de einddatum in, of kies een aantal overleggen.")
        else:
            count = self.count_spin.value()
        picked = self.time_edit.time()
        return SeriesInput(
            name=self.name_edit.text() if name is None else name,
            start_date=start,
            start_time=time(picked.hour(), picked.minute()),
            minutes=self.minutes_spin.value(),
            recurrence=self.recurrence(),
            count=count,
            until=until,
            location=self.location_edit.text().strip(),
            skip=SkipRules(
                public=self.public_check.isChecked(),
                school=self.school_check.isChecked(),
                region=Region(self.region_combo.currentData()),
            ),
            skip_mode=SkipMode(self.mode_combo.currentData()),
            members=self.people_panel.members() if self.people_panel.isEnabled() else None,
            secretary_id=self.people_panel.secretary_id(),
        )

    # Preview ----------------------------------------------------------------------------------

    @property
    def plan(self) -> SeriesPlan | None:
        """What the preview shows (None while the input is incomplete or wrong)."""
        return self._plan

    def past_choice(self) -> PastDates | None:
        """What the user chose for the dates before today (None: nothing chosen yet)."""
        if self.held_radio.isChecked():
            return PastDates.KEEP_AS_HELD
        if self.from_today_radio.isChecked():
            return PastDates.FROM_TODAY
        return None

    def _show_past_choice(self, check: PastCheck) -> None:
        self._past_check = check
        self.past_box.setVisible(bool(check.past))
        if not check.past:
            return
        count = plural(check.past, "datum", "data")
        self.past_label.setText(
            f"{count} van deze reeks {'ligt' if check.past == 1 else 'liggen'} vóór vandaag "
            f"({long_date(self._today)}). Kies wat {'die' if check.past > 1 else 'dat'} "
            f"{'zijn' if check.past > 1 else 'is'}:"
        )
        self.held_radio.setText(
            f"De {count} vóór vandaag {'zijn' if check.past > 1 else 'is'} al "
            f"&gehouden {'overleggen' if check.past > 1 else 'overleg'}"
        )
        first = check.first_from_today
        self.from_today_radio.setText(
            "Begin bij de eerste datum v&anaf vandaag"
            + (f" ({long_date(first)})" if first is not None else " (er is er geen)")
        )
        self.held_radio.setAccessibleName(self.held_radio.text().replace("&", ""))
        self.from_today_radio.setAccessibleName(self.from_today_radio.text().replace("&", ""))

    def _update_preview(self) -> None:
        self.region_combo.setEnabled(self.school_check.isChecked())
        self.rule_label.setText(f"Dat is: {self.recurrence().describe()}.")
        self._show_error("")
        held_before: date | None = None
        try:
            name = self.name_edit.text().strip() or _PREVIEW_NAME
            data = self.series_input(name=name)
            self._show_past_choice(meetings.check_past(data, self._today))
            choice = self.past_choice()
            if self._past_check.past and choice is not None:
                data = meetings.resolve_past(data, choice, self._today)
                if choice is PastDates.KEEP_AS_HELD:
                    held_before = self._today
            plan = meetings.preview_series(data)
        except (ValueError, CasusoverlegError) as exc:
            self._plan = None
            message = exc.message if isinstance(exc, CasusoverlegError) else str(exc)
            self.summary_label.setText("Nog geen data: " + message)
            self.preview.clear()
            self.warning_label.hide()
            self.save_button.setEnabled(False)
            return
        self._plan = plan
        self.summary_label.setText(summary_text(plan))
        self.warning_label.setText("\n".join(plan.warnings))
        self.warning_label.setVisible(bool(plan.warnings))
        self._fill_preview(preview_lines(plan, held_before))
        self.save_button.setEnabled(not self._saving and self._can_save())

    def _can_save(self) -> bool:
        """A plan with meetings, and a choice for the dates before today when there are any."""
        plan = self._plan
        if plan is None or not plan.planned:
            return False
        return not self._past_check.past or self.past_choice() is not None

    def _fill_preview(self, lines: list[PreviewLine]) -> None:
        self.preview.setUpdatesEnabled(False)
        try:
            self.preview.clear()
            items = []
            for line in lines:
                number = "" if line.number is None else str(line.number)
                item = QTreeWidgetItem([number, short_date(line.date), line.note])
                item.setTextAlignment(
                    0, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                )
                item.setToolTip(2, line.note)
                if line.kind == "skipped":
                    font = QFont(self.preview.font())
                    font.setStrikeOut(True)
                    item.setFont(1, font)
                    for column in (1, 2):
                        item.setForeground(column, QBrush(QColor(style.SKIPPED_COLOUR)))
                elif line.kind == "moved":
                    item.setForeground(2, QBrush(QColor(style.MOVED_COLOUR)))
                items.append(item)
            self.preview.addTopLevelItems(items)
        finally:
            self.preview.setUpdatesEnabled(True)

    def preview_texts(self) -> list[tuple[str, str, str]]:
        """The preview's lines as shown (number, date, note)."""
        lines = []
        for row in range(self.preview.topLevelItemCount()):
            item = self.preview.topLevelItem(row)
            if item is not None:
                lines.append((item.text(0), item.text(1), item.text(2)))
        return lines

    def _show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))

    # Saving -----------------------------------------------------------------------------------

    def save(self) -> None:
        """Check the input, then save the series and its meetings on the database worker."""
        store = self._store
        if store is None or self._saving:
            return
        try:
            data = self.series_input()
            meetings.preview_series(data)  # the name too, which the preview does not check
            past = self.past_choice()
            meetings.resolve_past(data, past, self._today)
        except meetings.PastDatesNotChosen as exc:
            self._show_error(f"{exc.message} Kies hierboven onder 'Data vóór vandaag'.")
            self.held_radio.setFocus()
            return
        except (ValueError, CasusoverlegError) as exc:
            self._show_error(exc.message if isinstance(exc, CasusoverlegError) else str(exc))
            if not self.name_edit.text().strip():
                self.name_edit.setFocus()
            return
        self._saving = True
        self.save_button.setEnabled(False)
        self.save_button.setText("Bezig met opslaan…")
        today = self._today
        StoreOp(self, store, lambda s: meetings.create_series(s, data, past, today=today)).changes(
            Change.MEETINGS
        ).success(self._saved).failure(self._save_failed).finished(self._done_saving).run()

    def _saved(self, info: SeriesInfo) -> None:
        self.created.emit(info)
        self.accept()

    def _save_failed(self, exc: CasusoverlegError) -> None:
        self._show_error(f"Niet opgeslagen: {exc.message}")

    def _done_saving(self) -> None:
        self._saving = False
        self.save_button.setText(SAVE_TEXT)
        self.save_button.setEnabled(self._can_save())

    def forget_store(self) -> None:
        """The store is being locked: close without saving (a save under way is not shown)."""
        self._store = None
        ops.drop_pending(self)
        self.reject()
