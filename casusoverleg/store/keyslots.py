"""Key slots: each account's wrapped copy of the 32-byte store key, in a JSON file.

A slot derives a key-encryption key from the passphrase with Argon2id and uses it (AES-256-GCM)
to wrap the slot's X25519 private key; the store key itself is sealed to the slot's public key.
That extra step lets the app re-seal a new store key to every remaining slot when an account is
removed (key rotation) without knowing anyone else's passphrase.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import tempfile
import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from casusoverleg.errors import BadInput, DamagedStore, WrongKey, os_reason

FORMAT_VERSION = 1
RECOVERY_ACCOUNT = "herstelsleutel"
MIN_PASSPHRASE_LENGTH = 12
# Base32 without look-alikes (0/O, 1/I/L) so a printed key can be typed back.
_RECOVERY_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
# Bounds for a key file read from disk: a damaged or forged file must not make Argon2 take the
# machine's memory or minutes of CPU before the passphrase is even tried (default: 256 MiB, 3).
MAX_MEMORY_COST = 1_048_576  # KiB: 1 GiB
MAX_TIME_COST = 16
MAX_PARALLELISM = 16
MAX_KEY_FILE_BYTES = 1_000_000
MAX_SLOTS = 200
_SALT_BYTES = 16
_KEY_BYTES = 32
_NONCE_BYTES = 12
_SEALED_BYTES = 32 + 16  # a 32-byte key plus the GCM tag
_SLOT_KINDS = ("passphrase", "recovery")


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost, stored in every slot so cheap test stores and costly real ones coexist."""

    time_cost: int = 3
    memory_cost: int = 262_144  # KiB: 256 MiB, ~0.5 s on the 2-core reference machine
    parallelism: int = 2

    def to_json(self) -> dict[str, Any]:
        """The slot's `kdf` object."""
        return {
            "name": "argon2id",
            "time_cost": self.time_cost,
            "memory_cost": self.memory_cost,
            "parallelism": self.parallelism,
        }

    @classmethod
    def from_json(cls, data: Any) -> KdfParams:
        """Read the `kdf` object of a slot; ValueError if it is not one this app would write."""
        if not isinstance(data, dict) or data.get("name") != "argon2id":
            raise ValueError("unknown key derivation")
        params = cls(
            _int_in(data, "time_cost", 1, MAX_TIME_COST),
            _int_in(data, "memory_cost", 8, MAX_MEMORY_COST),
            _int_in(data, "parallelism", 1, MAX_PARALLELISM),
        )
        if params.memory_cost < 8 * params.parallelism:
            raise ValueError("argon2 memory below 8 KiB per lane")
        return params


# Cheap parameters for tests and the throw-away demo store; never for a real store.
FAST_KDF = KdfParams(time_cost=1, memory_cost=1024, parallelism=1)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def _int_in(data: dict[str, Any], name: str, low: int, high: int) -> int:
    value = data[name]
    # bool is an int in Python; "true" in a key file is damage, not a cost of 1.
    if type(value) is not int or not low <= value <= high:
        raise ValueError(f"{name} out of bounds")
    return value


def _bytes_field(data: Any, name: str, size: int) -> bytes:
    """A base64 field of exactly `size` bytes; ValueError for anything else."""
    if not isinstance(data, dict):
        raise ValueError("not an object")
    text = data[name]
    if not isinstance(text, str) or not text.isascii():
        raise ValueError(f"{name} is not base64 text")
    raw = _unb64(text)
    if len(raw) != size or _b64(raw) != text:
        raise ValueError(f"{name} has the wrong length")
    return raw


def _text_field(data: dict[str, Any], name: str, max_length: int) -> str:
    value = data[name]
    if not isinstance(value, str) or not 0 < len(value) <= max_length:
        raise ValueError(f"{name} is not a text")
    return value


def _derive_kek(secret: str, salt: bytes, kdf: KdfParams) -> bytes:
    # NFC: an "é" typed as one character or as e + accent (some input methods, password
    # managers) is the same passphrase to the user, so it must give the same key.
    return hash_secret_raw(
        unicodedata.normalize("NFC", secret).encode("utf-8"),
        salt,
        time_cost=kdf.time_cost,
        memory_cost=kdf.memory_cost,
        parallelism=kdf.parallelism,
        hash_len=32,
        type=Type.ID,
    )


def _seal_key(store_key: bytes, public_key: X25519PublicKey, aad: bytes) -> dict[str, str]:
    ephemeral = X25519PrivateKey.generate()
    shared = ephemeral.exchange(public_key)
    wrap_key = HKDF(hashes.SHA256(), 32, salt=None, info=b"casusoverleg store key").derive(shared)
    nonce = os.urandom(12)
    eph_pub = ephemeral.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return {
        "ephemeral_public": _b64(eph_pub),
        "nonce": _b64(nonce),
        "ciphertext": _b64(AESGCM(wrap_key).encrypt(nonce, store_key, aad)),
    }


def _open_sealed(sealed: dict[str, str], private_key: X25519PrivateKey, aad: bytes) -> bytes:
    eph_pub = X25519PublicKey.from_public_bytes(_unb64(sealed["ephemeral_public"]))
    shared = private_key.exchange(eph_pub)
    wrap_key = HKDF(hashes.SHA256(), 32, salt=None, info=b"casusoverleg store key").derive(shared)
    return AESGCM(wrap_key).decrypt(_unb64(sealed["nonce"]), _unb64(sealed["ciphertext"]), aad)


@dataclass
class KeySlot:
    """One account's (or the recovery key's) wrapped access to the store key."""

    account: str
    kind: str  # "passphrase" or "recovery"
    kdf: KdfParams
    salt: bytes
    public_key: bytes
    wrapped_private: dict[str, str]
    sealed_store_key: dict[str, str]
    created: str

    def to_json(self) -> dict[str, Any]:
        """The slot as stored in the JSON file."""
        return {
            "account": self.account,
            "kind": self.kind,
            "kdf": self.kdf.to_json(),
            "salt": _b64(self.salt),
            "public_key": _b64(self.public_key),
            "private_key": self.wrapped_private,
            "store_key": self.sealed_store_key,
            "created": self.created,
        }

    @classmethod
    def from_json(cls, data: Any) -> KeySlot:
        """Read one slot strictly (types, base64 lengths, KDF bounds); ValueError if malformed."""
        try:
            if not isinstance(data, dict):
                raise ValueError("a slot is not an object")
            kind = data["kind"]
            if kind not in _SLOT_KINDS:
                raise ValueError("unknown slot kind")
            private = data["private_key"]
            sealed = data["store_key"]
            slot = cls(
                account=_text_field(data, "account", 80),
                kind=kind,
                kdf=KdfParams.from_json(data["kdf"]),
                salt=_bytes_field(data, "salt", _SALT_BYTES),
                public_key=_bytes_field(data, "public_key", _KEY_BYTES),
                wrapped_private={
                    "nonce": _b64(_bytes_field(private, "nonce", _NONCE_BYTES)),
                    "ciphertext": _b64(_bytes_field(private, "ciphertext", _SEALED_BYTES)),
                },
                sealed_store_key={
                    "ephemeral_public": _b64(_bytes_field(sealed, "ephemeral_public", _KEY_BYTES)),
                    "nonce": _b64(_bytes_field(sealed, "nonce", _NONCE_BYTES)),
                    "ciphertext": _b64(_bytes_field(sealed, "ciphertext", _SEALED_BYTES)),
                },
                created=_text_field(data, "created", 40),
            )
        except (KeyError, TypeError) as exc:
            raise ValueError("a slot lacks a part") from exc
        if (slot.kind == "recovery") != (slot.account == RECOVERY_ACCOUNT):
            raise ValueError("slot kind does not fit its account")
        return slot

    def canonical(self) -> str:
        """The slot as one canonical JSON text: what the copy inside the store compares."""
        return json.dumps(self.to_json(), sort_keys=True, separators=(",", ":"))


def damaged_key_file(path: Path, reason: str) -> DamagedStore:
    """The error for a key file (or pending key file) that cannot be used, naming the file."""
    return DamagedStore(
        f"Het sleutelbestand {path} is beschadigd ({reason}). Er is niets veranderd. "
        "Zet een back-up terug met 'casusoverleg restore' of vraag de beheerder om hulp."
    )


@dataclass
class KeyFile:
    """All key slots of one store, kept beside it as `<store>.keys.json`."""

    store_id: str
    key_generation: int = 1
    slots: list[KeySlot] = field(default_factory=list)
    # Slots that failed to parse, kept as they are so nothing is lost: `check` repairs them
    # from the copy inside the store.
    broken: list[Any] = field(default_factory=list)
    # Wrong-passphrase counters (see services/backoff.py); outside the slots, never verified.
    delays: dict[str, Any] = field(default_factory=dict)
    path: Path | None = field(default=None, compare=False)

    # -- reading and writing -------------------------------------------------------------------

    @staticmethod
    def path_for(store_path: Path) -> Path:
        """Where the key file of a store lives."""
        return store_path.with_name(store_path.name + ".keys.json")

    @classmethod
    def load(cls, path: Path) -> KeyFile:
        """Read a key file strictly; a missing file is BadInput, a malformed one DamagedStore.

        A single malformed slot does not make the file unusable: it is kept in `broken`, so the
        other accounts can still unlock and `check` can repair it.
        """
        try:
            with open(path, "rb") as fh:
                raw = fh.read(MAX_KEY_FILE_BYTES + 1)
        except FileNotFoundError as exc:
            raise BadInput(f"Sleutelbestand niet gevonden: {path}") from exc
        except OSError as exc:
            raise damaged_key_file(path, f"niet leesbaar: {os_reason(exc)}") from exc
        if len(raw) > MAX_KEY_FILE_BYTES:
            raise damaged_key_file(path, "het bestand is veel te groot")
        try:
            # A damaged byte inside a text value becomes U+FFFD, so that slot fails on its own
            # instead of the whole file.
            data = json.loads(raw.decode("utf-8", errors="replace"))
        except (ValueError, RecursionError) as exc:
            raise damaged_key_file(path, "geen leesbare JSON") from exc
        if not isinstance(data, dict):
            raise damaged_key_file(path, "geen JSON-object")
        if data.get("format") != FORMAT_VERSION or type(data.get("format")) is not int:
            raise damaged_key_file(path, "onbekende versie")
        store_id = data.get("store_id")
        if not isinstance(store_id, str) or not _is_uuid(store_id):
            raise damaged_key_file(path, "het opslagnummer is ongeldig")
        generation = data.get("key_generation")
        if type(generation) is not int or not 1 <= generation <= 1_000_000:
            raise damaged_key_file(path, "de sleutelgeneratie is ongeldig")
        raw_slots = data.get("slots")
        if not isinstance(raw_slots, list) or len(raw_slots) > MAX_SLOTS:
            raise damaged_key_file(path, "de lijst met sleutels is ongeldig")
        key_file = cls(store_id=store_id, key_generation=generation, path=path)
        for item in raw_slots:
            try:
                slot = KeySlot.from_json(item)
            except ValueError:
                key_file.broken.append(item)
                continue
            if key_file.find(slot.account) is not None:
                key_file.broken.append(item)  # a second slot for one account is damage too
            else:
                key_file.slots.append(slot)
        delays = data.get("vertraging")
        key_file.delays = delays if isinstance(delays, dict) else {}
        return key_file

    def to_json(self) -> dict[str, Any]:
        """The whole file as JSON data."""
        data: dict[str, Any] = {
            "format": FORMAT_VERSION,
            "store_id": self.store_id,
            "key_generation": self.key_generation,
            "slots": [s.to_json() for s in self.slots] + list(self.broken),
        }
        if self.delays:
            data["vertraging"] = self.delays
        return data

    def save(self, path: Path) -> None:
        """Write atomically (temp file, fsync, rename), readable by the owner only.

        The back-off counters on disk are newer than the ones read at unlock (a failed unlock
        elsewhere may have added one), so they are kept as they are on disk.
        """
        self.delays = _delays_on_disk(path, self.delays)
        write_atomically(path, json.dumps(self.to_json(), indent=2).encode("utf-8"))

    def broken_account(self, account: str) -> bool:
        """Whether a malformed slot still carries this account's name."""
        wanted = account.casefold()
        return any(
            isinstance(item, dict)
            and isinstance(item.get("account"), str)
            and item["account"].casefold() == wanted
            for item in self.broken
        )

    # -- slots ---------------------------------------------------------------------------------

    def find(self, account: str) -> KeySlot | None:
        """The slot of an account (case-insensitive), or None."""
        wanted = account.casefold()
        return next((s for s in self.slots if s.account.casefold() == wanted), None)

    def accounts(self) -> list[str]:
        """Names of the accounts that have a passphrase slot."""
        return [s.account for s in self.slots if s.kind == "passphrase"]

    def _aad(self, account: str) -> bytes:
        return f"{self.store_id}|{account.casefold()}".encode()

    def add_slot(
        self, account: str, secret: str, store_key: bytes, kdf: KdfParams, kind: str = "passphrase"
    ) -> KeySlot:
        """Add (or replace) the slot of `account`, wrapping `store_key` under `secret`."""
        private = X25519PrivateKey.generate()
        salt = os.urandom(16)
        kek = _derive_kek(secret, salt, kdf)
        nonce = os.urandom(12)
        private_raw = private.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
        aad = self._aad(account)
        slot = KeySlot(
            account=account,
            kind=kind,
            kdf=kdf,
            salt=salt,
            public_key=private.public_key().public_bytes(
                serialization.Encoding.Raw, serialization.PublicFormat.Raw
            ),
            wrapped_private={
                "nonce": _b64(nonce),
                "ciphertext": _b64(AESGCM(kek).encrypt(nonce, private_raw, aad)),
            },
            sealed_store_key=_seal_key(store_key, private.public_key(), aad),
            created=datetime.now(UTC).isoformat(timespec="seconds"),
        )
        self.slots = [s for s in self.slots if s.account.casefold() != account.casefold()]
        self.slots.append(slot)
        return slot

    def unwrap(self, account: str, secret: str) -> bytes:
        """The store key, if `secret` opens the slot of `account`; WrongKey otherwise."""
        slot = self.find(account)
        private_raw = self.unwrap_private(account, secret)
        assert slot is not None  # unwrap_private raised otherwise
        return self.open_with_private(slot.account, private_raw)

    def unwrap_private(self, account: str, secret: str) -> bytes:
        """The raw private key of the slot of `account`, if `secret` opens it; WrongKey
        otherwise. A server store's client keeps it, to open its slot again after a re-key."""
        slot = self.find(account)
        if slot is None and self.broken_account(account):
            raise DamagedStore(
                f"De sleutel van dit account in het sleutelbestand {self.path or ''} is "
                "beschadigd. Open de opslag met een ander account of met de herstelsleutel en "
                "voer 'casusoverleg check' uit: dat herstelt de sleutel."
            )
        if slot is None:
            # Same cost and message as a wrong passphrase, so account names cannot be probed:
            # the cost of this file's slots, not the default (slots may be tuned differently).
            _derive_kek(secret, os.urandom(16), self.slots[0].kdf if self.slots else KdfParams())
            raise WrongKey("Onbekend account of onjuist wachtwoord.")
        kek = _derive_kek(secret, slot.salt, slot.kdf)
        aad = self._aad(slot.account)
        try:
            private_raw = AESGCM(kek).decrypt(
                _unb64(slot.wrapped_private["nonce"]),
                _unb64(slot.wrapped_private["ciphertext"]),
                aad,
            )
        except InvalidTag as exc:
            raise WrongKey("Onbekend account of onjuist wachtwoord.") from exc
        return private_raw

    def open_with_private(self, account: str, private_raw: bytes) -> bytes:
        """The store key sealed to the slot of `account`, opened with that slot's private key
        (from `unwrap_private`); WrongKey if the slot is gone or was made for another key."""
        slot = self.find(account)
        if slot is None:
            raise WrongKey("Onbekend account of onjuist wachtwoord.")
        try:
            private = X25519PrivateKey.from_private_bytes(private_raw)
            return _open_sealed(slot.sealed_store_key, private, self._aad(slot.account))
        except (InvalidTag, ValueError) as exc:
            raise WrongKey("Onbekend account of onjuist wachtwoord.") from exc

    def reseal_all(self, new_store_key: bytes) -> None:
        """Seal a new store key to every slot (after key rotation); no passphrase needed."""
        self.key_generation += 1
        for slot in self.slots:
            slot.sealed_store_key = _seal_key(
                new_store_key,
                X25519PublicKey.from_public_bytes(slot.public_key),
                self._aad(slot.account),
            )


def _is_uuid(text: str) -> bool:
    try:
        return str(uuid.UUID(text)) == text
    except ValueError:
        return False


def _delays_on_disk(path: Path, fallback: dict[str, Any]) -> dict[str, Any]:
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError):
        return fallback
    delays = data.get("vertraging") if isinstance(data, dict) else None
    return delays if isinstance(delays, dict) else fallback


def new_key_file() -> KeyFile:
    """An empty key file with a fresh store id."""
    return KeyFile(store_id=str(uuid.uuid4()))


def new_store_key() -> bytes:
    """32 random bytes: the key SQLCipher uses as a raw key."""
    return secrets.token_bytes(32)


def new_recovery_key() -> str:
    """A recovery key to print once: 8 groups of 4 characters (~155 bits)."""
    chars = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(32))
    return "-".join(chars[i : i + 4] for i in range(0, 32, 4))


def normalise_recovery_key(text: str) -> str:
    """Accept a typed recovery key with lower case, spaces or missing dashes."""
    chars = "".join(c for c in text.upper() if c.isalnum())
    return "-".join(chars[i : i + 4] for i in range(0, len(chars), 4))


def check_passphrase(passphrase: str) -> None:
    """Refuse a passphrase that is too short (the demo store is the only exception)."""
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise BadInput(
            f"Het wachtwoord moet minstens {MIN_PASSPHRASE_LENGTH} tekens lang zijn "
            f"(nu {len(passphrase)})."
        )


def write_atomically(path: Path, data: bytes) -> None:
    """Write a file so that a crash leaves either the old or the new content, owner-only."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        os.chmod(tmp, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def fsync_dir(directory: Path) -> None:
    """Make a rename durable (POSIX); a no-op where directories cannot be opened."""
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
