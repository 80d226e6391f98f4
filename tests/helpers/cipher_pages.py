"""Decrypt a SQLCipher 4 store file and its WAL page by page, for byte searches in tests.

SQLCipher 4 with a raw key: every page is AES-256-CBC under the key itself; each page ends in a
reserve of 16-byte IV + 64-byte HMAC (80 bytes); page 1 starts with the 16-byte salt, which is
not encrypted. A WAL file has a 32-byte header, then frames of a 24-byte header and one page.
Only what is encrypted is decrypted; the HMAC is not checked (the store's own check does that).
"""

from __future__ import annotations

import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

RESERVE = 80
IV_SIZE = 16
SALT_SIZE = 16
WAL_HEADER = 32
FRAME_HEADER = 24


def decrypt_page(key: bytes, page: bytes, page_number: int) -> bytes:
    """The plaintext of one encrypted page (page 1 without its salt)."""
    size = len(page)
    start = SALT_SIZE if page_number == 1 else 0
    iv = page[size - RESERVE : size - RESERVE + IV_SIZE]
    decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    return decryptor.update(page[start : size - RESERVE]) + decryptor.finalize()


def check_first_page(plain: bytes, page_size: int) -> None:
    """Raise AssertionError unless `plain` is a decrypted page 1: proof the key and layout fit.

    The SQLite header's bytes 16-20 (here 0-4, the salt is cut off) hold the page size, the
    file format versions and the reserve per page.
    """
    stored = struct.unpack(">H", plain[0:2])[0]
    assert (65536 if stored == 1 else stored) == page_size, "page 1 does not decrypt"
    assert plain[2:4] in (b"\x01\x01", b"\x02\x02"), "page 1 does not decrypt"
    assert plain[4] == RESERVE, "page 1 does not decrypt"


def store_plaintext(data: bytes, key: bytes, page_size: int) -> bytes:
    """Every page of a store file, decrypted and joined."""
    assert len(data) % page_size == 0, "the file is not a whole number of pages"
    pages = [data[i : i + page_size] for i in range(0, len(data), page_size)]
    plain = [decrypt_page(key, page, n) for n, page in enumerate(pages, start=1)]
    if plain:
        check_first_page(plain[0], page_size)
    return b"".join(plain)


def wal_plaintext(data: bytes, key: bytes, page_size: int) -> tuple[bytes, int]:
    """Every frame's page of a WAL file, decrypted and joined; and how many frames."""
    if len(data) < WAL_HEADER:
        return b"", 0
    assert struct.unpack(">I", data[8:12])[0] == page_size, "WAL page size differs"
    frame = FRAME_HEADER + page_size
    plain = []
    for offset in range(WAL_HEADER, len(data) - frame + 1, frame):
        page_number = struct.unpack(">I", data[offset : offset + 4])[0]
        page = data[offset + FRAME_HEADER : offset + frame]
        text = decrypt_page(key, page, page_number)
        if page_number == 1:
            check_first_page(text, page_size)
        plain.append(text)
    return b"".join(plain), len(plain)


def contains_name(plain: bytes, name: str) -> bool:
    """Whether `name` (UTF-8) occurs in `plain`, in any case (the search text is case-folded)."""
    return name.casefold().encode("utf-8") in plain.lower()
