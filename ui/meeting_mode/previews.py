"""The documents meeting mode shows: the minutes and action list on closing, earlier minutes.

Tests replace these two functions to see what was asked for without opening a preview.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from casusoverleg.services.documents import DocumentRequest
from casusoverleg.services.store import Store

from ui import pdf_preview


def offer_documents(parent: QWidget, store: Store, requests: list[DocumentRequest]) -> None:
    """Open a preview of each document, side by side (minutes left, action list right).

    Closing a meeting calls this once for both documents.
    """
    screen = parent.screen().availableGeometry()
    width = screen.width() // max(1, len(requests))
    for index, request in enumerate(requests):
        dialog = pdf_preview.show_pdf_preview(parent, store, request)
        dialog.setGeometry(screen.x() + index * width, screen.y(), width, screen.height())


def preview_document(parent: QWidget, store: Store, request: DocumentRequest) -> None:
    """Show one document (e.g. the previous meeting's minutes)."""
    pdf_preview.show_pdf_preview(parent, store, request)
