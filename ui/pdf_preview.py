"""The in-app preview of every printed document: pages on screen, print, save as PDF.

The document is made in memory by the services (`documents.render_document`) on the database
worker; its pages are drawn here with pypdfium2 (PySide6-Essentials has no QtPdf), always on the
GUI thread and only for the pages in view, at the screen's pixel density so that text stays
sharp at every zoom. Nothing about a child reaches the disk unless the user saves the file, and
saving a plain (not encrypted) file is confirmed once per session and logged.
"""

from __future__ import annotations

import weakref
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium
from PySide6.QtCore import QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QGuiApplication,
    QImage,
    QKeySequence,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPaintEvent,
    QResizeEvent,
)
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QScrollArea,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from casusoverleg.errors import CasusoverlegError
from casusoverleg.services import documents, output
from casusoverleg.services.documents import DocumentRequest, RenderedDocument
from casusoverleg.services.store import Store

from ui import dialogs, ops, style
from ui.ops import Change, StoreOp

KIND_NAMES = {
    "agenda": "Agenda",
    "minutes": "Verslag",
    "actions": "Actielijst",
    "dossier": "Dossier",
}
PDF_FILTER = "PDF-document (*.pdf)"
BUSY_TEXT = "Het document wordt gemaakt…"
NOT_MADE = "Het document kon niet worden gemaakt."
# Zoom steps (1.0: the page at its real size on screen).
ZOOM_STEPS = (0.5, 0.67, 0.75, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 4.0)
PAGE_GAP = 16  # pixels between pages and around them
PAGE_BACKGROUND = "#5f6670"  # a quiet grey behind the white pages
# Pages kept as images; the rest are drawn again when they scroll into view.
CACHED_PAGES = 8
# Printers often report 600 dpi or more; a page image at 300 dpi is sharp and a quarter the size.
MAX_PRINT_DPI = 300
POINTS_PER_INCH = 72.0

# Saving a plain file was confirmed in this session (forgotten when the window locks).
_plain_file_confirmed = False
_open_previews: weakref.WeakSet[PdfPreviewDialog] = weakref.WeakSet()


# -- the questions tests replace -----------------------------------------------------------------


def ask_save_path(parent: QWidget, suggestion: str) -> Path | None:
    """Where to save the PDF; None if cancelled."""
    return dialogs.ask_save_file(parent, "PDF opslaan", PDF_FILTER, suggestion)


def ask_plain_file(parent: QWidget, name: str) -> bool:
    """Confirm that the saved file is not encrypted (asked once per session)."""
    return dialogs.confirm(
        parent,
        "Onversleuteld bestand",
        f"Het bestand {name} wordt NIET versleuteld. Iedereen die het bestand kan openen, kan "
        "lezen wat erin staat.",
        "Opslaan",
        detail="Bewaar het alleen op een beveiligde plek en verwijder het als u het niet meer "
        "nodig hebt. Het opslaan wordt in het logboek vastgelegd. Tot Casusoverleg wordt "
        "vergrendeld, wordt dit niet opnieuw gevraagd.",
    )


def ask_printer(parent: QWidget, printer: QPrinter, pages: int) -> bool:
    """Let the user choose printer, pages and copies; False if cancelled."""
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("Afdrukken")
    dialog.setMinMax(1, pages)
    dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintToFile, False)
    dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintSelection, False)
    dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintCurrentPage, False)
    try:
        return dialog.exec() == QDialog.DialogCode.Accepted
    finally:
        dialog.deleteLater()


def confirm_plain_file(parent: QWidget, name: str) -> bool:
    """True if a plain file may be written: asked once per session, then remembered."""
    global _plain_file_confirmed
    if not _plain_file_confirmed:
        _plain_file_confirmed = ask_plain_file(parent, name)
    return _plain_file_confirmed


def forget_save_confirmation() -> None:
    """Ask again before the next plain file is saved (the store was locked)."""
    global _plain_file_confirmed
    _plain_file_confirmed = False


def close_all_previews() -> None:
    """Close every open preview and drop its document (call on lock)."""
    forget_save_confirmation()
    for dialog in list(_open_previews):
        dialog.discard()


def open_previews() -> list[PdfPreviewDialog]:
    """The previews open now."""
    return [d for d in _open_previews if not d.is_discarded]


# -- pages -----------------------------------------------------------------------------------------


class PdfPages:
    """A PDF in memory whose pages are drawn as images (pypdfium2); use on the GUI thread only."""

    def __init__(self, data: bytes) -> None:
        self._pdf: pdfium.PdfDocument | None = pdfium.PdfDocument(data)
        self.sizes: list[tuple[float, float]] = [
            self._pdf.get_page_size(i) for i in range(len(self._pdf))
        ]

    def __len__(self) -> int:
        return len(self.sizes)

    def image(self, index: int, width_px: int) -> QImage:
        """Page `index` drawn `width_px` pixels wide (white paper, RGB)."""
        if self._pdf is None:
            raise RuntimeError("document is closed")
        width_pt = self.sizes[index][0]
        page = self._pdf[index]
        try:
            bitmap = page.render(
                scale=max(width_px, 1) / width_pt,
                rev_byteorder=True,
                prefer_bgrx=True,
                may_draw_forms=False,
            )
            try:
                image = QImage(
                    bitmap.buffer,
                    bitmap.width,
                    bitmap.height,
                    bitmap.stride,
                    QImage.Format.Format_RGBX8888,
                )
                return image.copy()  # the bitmap's memory goes with the bitmap
            finally:
                bitmap.close()
        finally:
            page.close()

    def text(self, index: int) -> str:
        """The text on page `index` (what a screen reader reads for the page)."""
        if self._pdf is None:
            raise RuntimeError("document is closed")
        page = self._pdf[index]
        try:
            textpage = page.get_textpage()
            try:
                return " ".join(str(textpage.get_text_range()).split())
            finally:
                textpage.close()
        finally:
            page.close()

    def close(self) -> None:
        """Free the document (and with it the bytes)."""
        if self._pdf is not None:
            self._pdf.close()
            self._pdf = None
        self.sizes = []


def paint_pages(pages: PdfPages, device: QPagedPaintDevice, indices: list[int], dpi: int) -> int:
    """Draw the given pages, one per sheet, filling `device`'s paper; returns pages drawn."""
    painter = QPainter()
    if not painter.begin(device):
        raise CasusoverlegError("De printer kon niet worden geopend.")
    try:
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        target = painter.viewport()  # the whole sheet in device pixels (full page)
        for number, index in enumerate(indices):
            if number:
                device.newPage()
            width_pt, _height_pt = pages.sizes[index]
            image = pages.image(index, round(width_pt / POINTS_PER_INCH * dpi))
            size = image.size().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.drawImage(QRect(target.topLeft(), size), image)
    finally:
        painter.end()
    return len(indices)


class PageView(QWidget):
    """One page on screen: a white sheet, drawn from the document when it comes into view."""

    def __init__(self, preview: PdfPreviewDialog, index: int) -> None:
        super().__init__()
        self._preview = preview
        self.index = index
        self.setAccessibleName(f"pagina {index + 1}")
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)

    def paintEvent(self, event: QPaintEvent) -> None:
        """Draw the page at the screen's pixel density (sharp text)."""
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("white"))
        image = self._preview.page_image(self.index, self.width(), self.devicePixelRatioF())
        if image is not None:
            painter.drawImage(self.rect(), image)
        painter.end()


# -- the dialog ----------------------------------------------------------------------------------


class PdfPreviewDialog(QDialog):
    """A document on screen, with Afdrukken… and Opslaan als…; closed and emptied on lock."""

    ready = Signal()  # the pages are on screen
    failed = Signal(str)  # the document could not be made (Dutch message; "" if a bug)
    saved = Signal(object)  # Path of the written file
    printed = Signal(int)  # pages sent to the printer

    def __init__(self, store: Store, request: DocumentRequest, parent: QWidget | None) -> None:
        super().__init__(parent)
        self._store: Store | None = store
        self.request = request
        self.rendered: RenderedDocument | None = None
        self.pages: PdfPages | None = None
        self._discarded = False
        self._zoom = 1.0
        self._fit_width = True
        self._cache: OrderedDict[int, QImage] = OrderedDict()
        self._page_views: list[PageView] = []
        _open_previews.add(self)

        kind = KIND_NAMES.get(request.kind, "Document")
        self.setWindowTitle(f"Voorbeeld — {kind}")
        self.setModal(False)
        self.setSizeGripEnabled(True)

        self._make_actions()
        bar = self._make_toolbar()

        self.busy_label = QLabel(BUSY_TEXT)
        self.busy_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        busy_bar = QProgressBar()
        busy_bar.setRange(0, 0)
        busy_bar.setTextVisible(False)
        busy_bar.setMaximumWidth(320)
        busy = QWidget()
        busy_layout = QVBoxLayout(busy)
        busy_layout.addStretch(1)
        busy_layout.addWidget(self.busy_label)
        busy_layout.addWidget(busy_bar, 0, Qt.AlignmentFlag.AlignHCenter)
        busy_layout.addStretch(2)

        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.setContentsMargins(40, 40, 40, 40)

        self.page_area = QWidget()
        self.page_area.setObjectName("paginas")
        self.page_area.setStyleSheet(f"#paginas {{ background: {PAGE_BACKGROUND}; }}")
        self.page_layout = QVBoxLayout(self.page_area)
        self.page_layout.setContentsMargins(PAGE_GAP, PAGE_GAP, PAGE_GAP, PAGE_GAP)
        self.page_layout.setSpacing(PAGE_GAP)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidget(self.page_area)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setAccessibleName("Pagina's van het document")
        self.scroll_area.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setStyleSheet(f"QScrollArea {{ background: {PAGE_BACKGROUND}; }}")
        self.scroll_area.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        # Always there: a scroll bar that comes and goes would change the width to fit.
        self.scroll_area.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.scroll_area.verticalScrollBar().valueChanged.connect(self._update_page_label)

        self.stack = QStackedWidget()
        self.stack.addWidget(busy)
        self.stack.addWidget(self.error_label)
        self.stack.addWidget(self.scroll_area)

        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_label.setContentsMargins(8, 2, 8, 2)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(bar)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.status_label)

        self._set_busy(BUSY_TEXT)
        self._size_to_screen()

    # Building ------------------------------------------------------------------------------

    def _action(self, text: str, keys: list[str], tip: str, slot: Callable[[], None]) -> QAction:
        action = QAction(text, self)
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.setToolTip(f"{tip} ({keys[0]})" if keys else tip)
        action.setIconText(text.replace("&", ""))  # a tool button keeps the "…" then
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _make_actions(self) -> None:
        self.print_action = self._action(
            "&Afdrukken…", ["Ctrl+P"], "Het document afdrukken", self.print_document
        )
        self.save_action = self._action(
            "&Opslaan als…", ["Ctrl+S"], "Het document als PDF-bestand opslaan", self.save_as
        )
        self.zoom_in_action = self._action("Inzoomen", ["Ctrl++", "Ctrl+="], "Groter", self.zoom_in)
        self.zoom_out_action = self._action("Uitzoomen", ["Ctrl+-"], "Kleiner", self.zoom_out)
        self.fit_action = self._action(
            "Paginabreedte", ["Ctrl+0"], "De pagina zo breed als het venster", self.fit_width
        )
        self.fit_action.setCheckable(True)
        self.zoom_in_action.setIconText("+")
        self.zoom_out_action.setIconText("−")
        self.close_action = QAction("Sluiten", self)
        self.close_action.setToolTip("Het voorbeeld sluiten (Esc)")
        self.close_action.triggered.connect(self.reject)

    def _button(self, action: QAction) -> QToolButton:
        button = QToolButton()
        button.setDefaultAction(action)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        button.setAccessibleName(action.text().replace("&", "").rstrip("…"))
        return button

    def _make_toolbar(self) -> QWidget:
        bar = QFrame()
        bar.setFrameShape(QFrame.Shape.StyledPanel)
        row = QHBoxLayout(bar)
        row.setContentsMargins(8, 6, 8, 6)
        row.setSpacing(6)
        self.print_button = self._button(self.print_action)
        self.save_button = self._button(self.save_action)
        row.addWidget(self.print_button)
        row.addWidget(self.save_button)
        row.addSpacing(18)
        row.addWidget(self._button(self.zoom_out_action))
        self.zoom_label = QLabel()
        self.zoom_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.zoom_label.setMinimumWidth(self.fontMetrics().horizontalAdvance("400 %") + 12)
        self.zoom_label.setAccessibleDescription("Zoom")  # the name is the text: "100 %"
        row.addWidget(self.zoom_label)
        row.addWidget(self._button(self.zoom_in_action))
        row.addWidget(self._button(self.fit_action))
        row.addStretch(1)
        self.page_label = QLabel()
        self.page_label.setAccessibleDescription("Pagina")  # the name is the text
        row.addWidget(self.page_label)
        row.addSpacing(18)
        row.addWidget(self._button(self.close_action))
        return bar

    def _size_to_screen(self) -> None:
        parent = self.parentWidget()
        screen = parent.screen() if parent is not None else QGuiApplication.primaryScreen()
        area = screen.availableGeometry()
        # An A4 page at its real size fits the width; the height takes most of the screen.
        page_width = round(595 / POINTS_PER_INCH * self.logicalDpiX())
        width = min(page_width + 2 * PAGE_GAP + 40, area.width() * 9 // 10)
        self.resize(max(width, 640), max(area.height() * 88 // 100, 480))

    # Rendering -----------------------------------------------------------------------------

    def start(self) -> None:
        """Make the document in the background; the pages show when it is ready."""
        store = self._store
        if store is None:
            return
        request = self.request
        self._set_busy(BUSY_TEXT)
        StoreOp(self, store, lambda s: documents.render_document(s, request)).key("render").changes(
            Change.AUDIT
        ).success(self._rendered).failure(self._render_failed).finished(self._render_ended).run()

    def _set_busy(self, text: str) -> None:
        self.busy_label.setText(text)
        self.stack.setCurrentIndex(0)
        for action in (self.print_action, self.save_action):
            action.setEnabled(False)
        for action in (self.zoom_in_action, self.zoom_out_action, self.fit_action):
            action.setEnabled(False)
        self.zoom_label.setText("")
        self.page_label.setText("")

    def _rendered(self, rendered: RenderedDocument) -> None:
        self.rendered = rendered
        self.pages = PdfPages(rendered.data)
        self.setWindowTitle(f"Voorbeeld — {rendered.title}")
        for index in range(len(self.pages)):
            view = PageView(self, index)
            # The page is a picture: its text is what a screen reader gets (WCAG 1.1.1).
            view.setAccessibleDescription(self.pages.text(index))
            self._page_views.append(view)
            self.page_layout.addWidget(view, 0, Qt.AlignmentFlag.AlignHCenter)
        self.stack.setCurrentWidget(self.scroll_area)
        for action in (self.print_action, self.save_action, self.fit_action):
            action.setEnabled(True)
        self._apply_zoom()
        self.scroll_area.setFocus()
        self.ready.emit()

    def _render_failed(self, exc: CasusoverlegError) -> None:
        self._show_error(exc.message)

    def _show_error(self, message: str) -> None:
        self.error_label.setText(f"{NOT_MADE}\n\n{message}" if message else NOT_MADE)
        self.stack.setCurrentWidget(self.error_label)
        self.failed.emit(message)

    def _render_ended(self) -> None:
        # Still busy after an unexpected error (the app's crash dialog said the rest): no
        # moving bar that never stops.
        if self.rendered is None and self.stack.currentIndex() == 0:
            self._show_error("")

    def page_image(self, index: int, width: int, ratio: float) -> QImage | None:
        """Page `index` as an image for `width` logical pixels at pixel ratio `ratio`."""
        if self.pages is None or index >= len(self.pages):
            return None
        pixels = max(1, round(width * ratio))
        image = self._cache.get(index)
        if image is None or image.width() != pixels:
            image = self.pages.image(index, pixels)
            image.setDevicePixelRatio(ratio)
            self._cache[index] = image
        self._cache.move_to_end(index)
        while len(self._cache) > CACHED_PAGES:
            self._cache.popitem(last=False)
        return image

    # Zoom and pages ------------------------------------------------------------------------

    @property
    def zoom(self) -> float:
        """The current zoom (1.0: real size)."""
        return self._zoom

    @property
    def page_count(self) -> int:
        """Pages in the document (0 until it is made)."""
        return len(self.pages) if self.pages is not None else 0

    def _pixels_per_point(self) -> float:
        return self.logicalDpiX() / POINTS_PER_INCH

    def _fit_zoom(self) -> float:
        if not self.pages:
            return 1.0
        widest = max(width for width, _height in self.pages.sizes)
        room = self.scroll_area.viewport().width() - 2 * PAGE_GAP
        return max(ZOOM_STEPS[0], min(ZOOM_STEPS[-1], room / (widest * self._pixels_per_point())))

    def _apply_zoom(self) -> None:
        if self.pages is None:
            return
        if self._fit_width:
            self._zoom = self._fit_zoom()
        scale = self._zoom * self._pixels_per_point()
        for view, (width, height) in zip(self._page_views, self.pages.sizes, strict=True):
            view.setFixedSize(QSize(round(width * scale), round(height * scale)))
        self._cache.clear()
        self.zoom_label.setText(f"{round(self._zoom * 100)} %")
        self.zoom_in_action.setEnabled(self._zoom < ZOOM_STEPS[-1] - 0.001)
        self.zoom_out_action.setEnabled(self._zoom > ZOOM_STEPS[0] + 0.001)
        self.fit_action.setChecked(self._fit_width)
        QTimer.singleShot(0, self._update_page_label)
        self._update_page_label()

    def set_zoom(self, zoom: float) -> None:
        """Show the pages at `zoom` (1.0: real size); stops fitting the width."""
        self._fit_width = False
        self._zoom = max(ZOOM_STEPS[0], min(ZOOM_STEPS[-1], zoom))
        self._apply_zoom()

    def zoom_in(self) -> None:
        """One step larger."""
        self.set_zoom(next((z for z in ZOOM_STEPS if z > self._zoom + 0.001), ZOOM_STEPS[-1]))

    def zoom_out(self) -> None:
        """One step smaller."""
        smaller = [z for z in ZOOM_STEPS if z < self._zoom - 0.001]
        self.set_zoom(smaller[-1] if smaller else ZOOM_STEPS[0])

    def fit_width(self) -> None:
        """Make the pages as wide as the window (and keep them so when it resizes)."""
        self._fit_width = True
        self._apply_zoom()

    def current_page(self) -> int:
        """The page (1-based) at the middle of the view; 0 before the document is there."""
        if not self._page_views:
            return 0
        middle = (
            self.scroll_area.verticalScrollBar().value() + self.scroll_area.viewport().height() // 2
        )
        for view in self._page_views:
            if view.geometry().bottom() + PAGE_GAP >= middle:
                return view.index + 1
        return len(self._page_views)

    def _update_page_label(self) -> None:
        if self._discarded or not self._page_views:
            return
        self.page_label.setText(f"pagina {self.current_page()} van {len(self._page_views)}")

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Keep the pages as wide as the window while fitting the width."""
        super().resizeEvent(event)
        if self._fit_width and self.pages is not None:
            QTimer.singleShot(0, self._refit)

    def _refit(self) -> None:
        if not self._discarded and self._fit_width:
            self._apply_zoom()

    # Print and save ------------------------------------------------------------------------

    def print_document(self) -> None:
        """Choose a printer and print the pages (drawn at the printer's resolution)."""
        pages, rendered, store = self.pages, self.rendered, self._store
        if pages is None or rendered is None or store is None:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(rendered.title)
        printer.setPageLayout(
            QPageLayout(
                QPageSize(QPageSize.PageSizeId.A4),
                QPageLayout.Orientation.Portrait,
                printer.pageLayout().margins(),
            )
        )
        printer.setFullPage(True)  # the PDF has its own margins
        if not ask_printer(self, printer, len(pages)) or self._discarded:
            return
        # "Print to file" writes the chosen file itself: never the store or a file beside it
        # (the print dialog has asked before replacing any other file).
        if printer.outputFileName():
            try:
                output.check_target(store.path, Path(printer.outputFileName()), overwrite=True)
            except CasusoverlegError as exc:
                dialogs.warn(self, "Afdrukken", "Er is niets afgedrukt.", detail=exc.message)
                return
        first, last = printer.fromPage(), printer.toPage()
        if first == 0:
            first, last = 1, len(pages)
        indices = list(range(first - 1, min(last, len(pages))))
        dpi = min(printer.resolution(), MAX_PRINT_DPI)
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            count = paint_pages(pages, printer, indices, dpi)
        except CasusoverlegError as exc:
            dialogs.warn(self, "Afdrukken", "Afdrukken is mislukt.", detail=exc.message)
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
        name = printer.printerName()
        StoreOp(self, store, lambda s: documents.log_paper_print(s, rendered, name)).changes(
            Change.AUDIT
        ).success(lambda _none: self._done_printing(count)).failure(
            lambda exc: self.status_label.setText(style.failed_because(exc))
        ).run()

    def _done_printing(self, count: int) -> None:
        noun = "pagina" if count == 1 else "pagina's"
        self.status_label.setText(f"{count} {noun} naar de printer gestuurd.")
        self.printed.emit(count)

    def save_as(self) -> None:
        """Save the document as a PDF file (after saying once that it is not encrypted)."""
        rendered, store = self.rendered, self._store
        if rendered is None or store is None:
            return
        path = ask_save_path(self, str(Path.home() / rendered.suggested_name))
        if path is None or self._discarded:
            return
        # The file dialog asked before replacing the file it returned (not one with .pdf added).
        overwrite = path.exists()
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
            overwrite = False
        if not confirm_plain_file(self, path.name) or self._discarded:
            return
        self.save_action.setEnabled(False)
        saving = f"Opslaan als {path.name}…"
        self.status_label.setText(saving)

        def ended() -> None:
            self.save_action.setEnabled(self.rendered is not None)
            if self.status_label.text() == saving:  # not saved, for whatever reason
                self.status_label.setText("")

        StoreOp(
            self, store, lambda s: documents.save_document(s, rendered, path, overwrite=overwrite)
        ).changes(Change.AUDIT).success(self._saved).failure(self._save_failed).finished(
            ended
        ).run()

    def _saved(self, path: Path) -> None:
        self.status_label.setText(f"Opgeslagen als {path} (niet versleuteld).")
        self.saved.emit(path)

    def _save_failed(self, exc: CasusoverlegError) -> None:
        dialogs.warn(self, "PDF opslaan", "Het bestand is niet opgeslagen.", detail=exc.message)

    # Closing -------------------------------------------------------------------------------

    @property
    def is_discarded(self) -> bool:
        """True once the dialog closed and dropped its document."""
        return self._discarded

    def discard(self) -> None:
        """Close and forget the document: pages, images and bytes (lock, or closing)."""
        if self._discarded:
            return
        self._discarded = True
        ops.drop_pending(self)  # a document still being made or saved is not shown
        _open_previews.discard(self)
        self._cache.clear()
        for view in self._page_views:
            view.setAccessibleDescription("")  # the page's text goes with the document
            view.deleteLater()
        self._page_views = []
        if self.pages is not None:
            self.pages.close()
            self.pages = None
        self.rendered = None
        self._store = None
        if self.isVisible():
            super().done(QDialog.DialogCode.Rejected)
        self.deleteLater()

    def done(self, result: int) -> None:
        """Closing (Esc, Sluiten, the window's close button) drops the document."""
        super().done(result)
        self.discard()


def show_pdf_preview(parent: QWidget, store: Store, request: DocumentRequest) -> PdfPreviewDialog:
    """Open a preview window for a document and start making it in the background."""
    dialog = PdfPreviewDialog(store, request, parent)
    dialog.show()
    dialog.start()
    return dialog
