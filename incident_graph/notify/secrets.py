"""Channel secrets encrypted at rest: webhook signing secrets, webhook/Slack/Teams URLs (a Slack
or Teams incoming-webhook URL is itself the credential) and SMTP passwords.

Fernet (AES-128-CBC with HMAC-SHA256) under keys from INCIDENT_GRAPH_SECRET_KEY (comma-separated:
the first encrypts, every one decrypts, so a key can be rotated in without losing the old
rows), else from a key file: INCIDENT_GRAPH_SECRET_KEY_FILE, by default `<database>.key` next to
an SQLite database or `incident-graph.key` in the working directory for PostgreSQL, written with
a fresh key (mode 0600) the first time a secret is stored. A database dump or backup alone no
longer gives the secrets away.

Stored values carry a `fernet:` prefix; a value without it is a plaintext secret from before
encryption, still readable, and sealed by `seal_channels` at the next start.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Final, Literal

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy.ext.asyncio import AsyncSession

from incident_graph.config import Settings, SettingsError
from incident_graph.domain.notifications import ChannelConfig
from incident_graph.store import notifications as notification_store
from incident_graph.store.dialect import dialect_for

log = logging.getLogger(__name__)

SECRET_FIELDS: Final[tuple[Literal["url", "secret", "smtp_password"], ...]] = (
    "url",
    "secret",
    "smtp_password",
)
MARK: Final = "fernet:"


class SecretKeyError(SettingsError):
    """The configured keys cannot be used, or cannot open a stored secret."""


def default_key_file(settings: Settings) -> Path:
    if settings.secret_key_file:
        return Path(settings.secret_key_file)
    return dialect_for(settings.database_url).key_file_beside(settings.database_url) or Path(
        "incident-graph.key"
    )


def _parse(raw: str, where: str) -> list[bytes]:
    keys = [k.strip().encode() for k in raw.replace("\n", ",").split(",") if k.strip()]
    if not keys:
        raise SecretKeyError(f"{where} holds no key")
    for key in keys:
        try:
            Fernet(key)
        except ValueError as exc:
            raise SecretKeyError(
                f"{where}: a key is not a Fernet key (32 url-safe base64-encoded bytes); make "
                'one with python -c "from cryptography.fernet import Fernet; '
                'print(Fernet.generate_key().decode())"'
            ) from exc
    return keys


def _read(settings: Settings) -> list[bytes] | None:
    """The configured keys, or the key file's; None when there is no key yet."""
    if settings.secret_key:
        return _parse(settings.secret_key, "INCIDENT_GRAPH_SECRET_KEY")
    path = default_key_file(settings)
    try:
        return _parse(path.read_text(), str(path))
    except FileNotFoundError:
        return None


def _make(settings: Settings) -> list[bytes]:
    """A fresh key in the key file (mode 0600), or the one another process just made."""
    path = default_key_file(settings)
    key = Fernet.generate_key()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return _parse(path.read_text(), str(path))
    with os.fdopen(fd, "wb") as out:
        out.write(key + b"\n")
    log.warning(
        "generated the key that encrypts notification secrets and signs badge URLs: %s. Back "
        "it up, apart from "
        "the database's dumps; every server and worker using this database needs the same key "
        "(or set INCIDENT_GRAPH_SECRET_KEY)",
        path.resolve(),
    )
    return [key]


class Keyring:
    """Encrypts and decrypts channel secrets.

    One per app (and per CLI worker), made at start, where it reads its keys; a server with no
    key yet makes the key file when it first stores a secret, in the service that seals it
    before its unit is queued. Units of work only use the keys.
    """

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._raw = _read(settings)
        self._keys = None if self._raw is None else [Fernet(k) for k in self._raw]

    @property
    def keys(self) -> list[Fernet]:
        if self._keys is None:
            self._raw = _make(self._settings)
            self._keys = [Fernet(k) for k in self._raw]
        return self._keys

    def derived(self, purpose: bytes) -> list[bytes]:
        """A key per configured key for `purpose` (HMAC of the purpose under the key), the
        current one first: other uses (signing badge URLs) get keys of their own, never the
        ones that encrypt, and follow a rotation as the secrets do."""
        self.keys  # noqa: B018 - makes the key file when there is none yet
        return [hmac.new(raw, purpose, hashlib.sha256).digest() for raw in self._raw or []]

    @property
    def fernet(self) -> MultiFernet:
        return MultiFernet(self.keys)

    def encrypt(self, value: str) -> str:
        return MARK + self.fernet.encrypt(value.encode()).decode()

    def decrypt(self, value: str) -> str:
        if not value.startswith(MARK):
            return value  # stored before encryption; sealed at the next start
        try:
            return self.fernet.decrypt(value.removeprefix(MARK).encode()).decode()
        except InvalidToken as exc:
            raise SecretKeyError(
                "a channel secret was encrypted with a key this server does not have; set "
                "INCIDENT_GRAPH_SECRET_KEY (or the key file) to the key it was stored with"
            ) from exc

    def reseal(self, value: str) -> str:
        """`value` under the first key: plaintext encrypted, older keys' tokens re-encrypted."""
        if not value.startswith(MARK):
            return self.encrypt(value)
        token = value.removeprefix(MARK).encode()
        try:
            self.keys[0].decrypt(token)
        except InvalidToken:
            pass
        else:
            return value
        try:
            return MARK + self.fernet.rotate(token).decode()
        except InvalidToken as exc:
            raise SecretKeyError("no configured key opens this secret") from exc

    def seal(self, config: ChannelConfig) -> ChannelConfig:
        return _each_secret(config, self.encrypt)

    def open(self, config: ChannelConfig) -> ChannelConfig:
        return _each_secret(config, self.decrypt)


def _each_secret(config: ChannelConfig, change: Callable[[str], str]) -> ChannelConfig:
    out = config.copy()
    for field in SECRET_FIELDS:
        value = config.get(field)
        if isinstance(value, str):
            out[field] = change(value)
    return out


async def seal_channels(session: AsyncSession, *, keyring: Keyring) -> int:
    """Encrypt plaintext secrets and re-encrypt those under older keys with the first key.

    Runs at start; refuses (SecretKeyError) when a stored secret opens with none of the keys,
    so a server with the wrong key stops at once instead of failing every delivery.
    """
    changed = 0
    unreadable: list[str] = []
    for channel in await notification_store.all_channels(session):
        config = channel.config
        try:
            sealed = _each_secret(config, keyring.reseal)
        except SecretKeyError:
            unreadable.append(channel.name)
            continue
        if sealed != config:
            await notification_store.update_channel_config(
                session, channel_id=channel.id, config=sealed
            )
            changed += 1
    if unreadable:
        raise SecretKeyError(
            f"the secrets of notification channels {unreadable} open with none of the configured "
            "keys: set INCIDENT_GRAPH_SECRET_KEY (or INCIDENT_GRAPH_SECRET_KEY_FILE) to the key "
            "they were stored with; to rotate, list the new key first and the old one after it"
        )
    return changed


__all__ = ["Keyring", "SecretKeyError", "default_key_file", "seal_channels"]
