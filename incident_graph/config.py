"""Settings from the environment (prefix INCIDENT_GRAPH_), one object passed down."""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from ipaddress import ip_network
from typing import Any, Final
from urllib.parse import urlsplit

PREFIX: Final = "INCIDENT_GRAPH_"
DEFAULT_DATABASE_URL: Final = "sqlite+aiosqlite:///./incident-graph.db"


class SettingsError(ValueError):
    """An environment variable has a value the server cannot use."""


def _int(env: Mapping[str, str], name: str, default: int, *, minimum: int = 0) -> int:
    raw = env.get(PREFIX + name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise SettingsError(f"{PREFIX}{name}={raw!r} is not a whole number") from exc
    if value < minimum:
        raise SettingsError(f"{PREFIX}{name}={value} must be at least {minimum}")
    return value


def _bool(env: Mapping[str, str], name: str, *, default: bool) -> bool:
    raw = env.get(PREFIX + name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"{PREFIX}{name}={raw!r} must be true or false")


def _origins(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    raw = env.get(PREFIX + name) or ""
    origins: list[str] = []
    for item in raw.split(","):
        origin = item.strip().rstrip("/")
        if not origin:
            continue
        parts = urlsplit(origin)
        if parts.scheme not in {"http", "https"} or not parts.netloc or parts.path:
            raise SettingsError(
                f"{PREFIX}{name}: {item.strip()!r} is not an origin; "
                "list origins like https://app.example.com,http://localhost:3000"
            )
        origins.append(origin)
    return tuple(origins)


def _networks(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    raw = env.get(PREFIX + name) or ""
    networks: list[str] = []
    for item in raw.split(","):
        text = item.strip()
        if not text:
            continue
        try:
            networks.append(str(ip_network(text, strict=False)))
        except ValueError as exc:
            raise SettingsError(
                f"{PREFIX}{name}: {text!r} is not a network; list CIDRs like "
                "10.20.0.0/16,127.0.0.1/32"
            ) from exc
    return tuple(networks)


def _secret_key(env: Mapping[str, str]) -> str | None:
    """Comma-separated Fernet keys (32 url-safe base64 bytes each), checked here so a typo stops
    the server at start rather than at the first secret it stores."""
    raw = env.get(PREFIX + "SECRET_KEY") or None
    if raw is None:
        return None
    for key in (k.strip() for k in raw.split(",")):
        try:
            ok = len(base64.urlsafe_b64decode(key.encode())) == 32
        except (ValueError, TypeError):
            ok = False
        if not ok:
            raise SettingsError(
                f"{PREFIX}SECRET_KEY: a key is not a Fernet key (32 url-safe base64-encoded "
                'bytes); make one with python -c "from cryptography.fernet import Fernet; '
                'print(Fernet.generate_key().decode())"'
            )
    return raw


def _smtp(env: Mapping[str, str]) -> dict[str, Any]:
    host = env.get(PREFIX + "SMTP_HOST") or None
    sender = env.get(PREFIX + "SMTP_FROM") or None
    if host and (not sender or "@" not in sender):
        raise SettingsError(
            f"{PREFIX}SMTP_HOST is set: {PREFIX}SMTP_FROM must be the sender address, "
            "like incidents@example.com"
        )
    return {
        "smtp_host": host,
        "smtp_port": _int(env, "SMTP_PORT", 25, minimum=1),
        "smtp_from": sender,
        "smtp_starttls": _bool(env, "SMTP_STARTTLS", default=False),
        "smtp_username": env.get(PREFIX + "SMTP_USERNAME") or None,
        "smtp_password": env.get(PREFIX + "SMTP_PASSWORD") or None,
    }


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    host: str = "127.0.0.1"
    port: int = 8080
    # Connections the PostgreSQL pool may hold; SQLite ignores it.
    db_pool_size: int = 10
    # Units of work the group-commit writer may put in one transaction.
    write_batch_max: int = 64
    # Writer tasks on PostgreSQL, each grouping its own transactions (SQLite has one).
    write_concurrency: int = 8
    log_level: str = "info"
    public_url: str | None = None
    # Soda's rule: resolving needs a note saying what was done.
    require_resolution_note: bool = True
    # How far lineage is walked: upstream health, impactedAssets, upstreams/downstreams(depth).
    lineage_max_depth: int = 10
    # searchIncidents considers at most this many matches (the most recently raised): its
    # total, facets and pages stop there, so a word in every title stays cheap.
    incident_search_max_matches: int = 1_000
    # Request limits on /api/graphql; each refusal answers BAD_USER_INPUT.
    max_query_depth: int = 15
    max_aliases: int = 30
    max_tokens: int = 5_000
    max_body_bytes: int = 1_048_576
    # DataHub's REST ingestion routes take bodies up to GMS's own limit (its emitters chunk
    # batches to about 15 MB); GraphQL keeps max_body_bytes.
    ingest_max_body_bytes: int = 16_000_000
    # True: anyone may load the schema (introspection) without a token. False: a token is needed.
    public_introspection: bool = True
    # Browser origins allowed to call the API cross-origin; empty means CORS stays off.
    cors_origins: tuple[str, ...] = ()

    # Notifications: the delivery worker in the server, its pace, retries and reach.
    notify_worker: bool = True
    notify_poll_ms: int = 500
    notify_max_attempts: int = 8
    notify_backoff_base_ms: int = 2_000
    notify_backoff_max_ms: int = 600_000
    # How long a worker owns a delivery it is sending; after that another worker may retry it.
    notify_lease_ms: int = 60_000
    notify_timeout_ms: int = 10_000
    notify_downstream_depth: int = 2
    notify_batch: int = 100
    # Where notifications may connect (webhook, Slack, Teams): public addresses only, unless
    # private networks (and loopback) are allowed or a network is listed explicitly.
    notify_allow_private_networks: bool = False
    notify_allowed_networks: tuple[str, ...] = ()
    # The server's own SMTP relay, for notifications sent to users personally; None: no email.
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_from: str | None = None
    smtp_starttls: bool = False
    smtp_username: str | None = None
    smtp_password: str | None = None
    # Keys that encrypt channel secrets at rest (Fernet, comma-separated; the first encrypts).
    secret_key: str | None = None
    # A file holding the keys, one a line; by default next to the SQLite database.
    secret_key_file: str | None = None

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def base_url(self) -> str:
        return self.public_url or f"http://{self.host}:{self.port}"

    def with_overrides(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        url = env.get(PREFIX + "DATABASE_URL") or DEFAULT_DATABASE_URL
        if not url.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise SettingsError(
                f"{PREFIX}DATABASE_URL={url!r}: use sqlite+aiosqlite:///path.db or "
                "postgresql+asyncpg://user@host/db"
            )
        return cls(
            database_url=url,
            host=env.get(PREFIX + "HOST") or "127.0.0.1",
            port=_int(env, "PORT", 8080, minimum=0),
            db_pool_size=_int(env, "DB_POOL_SIZE", 10, minimum=1),
            write_batch_max=_int(env, "WRITE_BATCH_MAX", 64, minimum=1),
            write_concurrency=_int(env, "WRITE_CONCURRENCY", 8, minimum=1),
            log_level=(env.get(PREFIX + "LOG_LEVEL") or "info").lower(),
            public_url=env.get(PREFIX + "PUBLIC_URL") or None,
            require_resolution_note=_bool(env, "REQUIRE_RESOLUTION_NOTE", default=True),
            lineage_max_depth=_int(env, "LINEAGE_MAX_DEPTH", 10, minimum=1),
            incident_search_max_matches=_int(env, "INCIDENT_SEARCH_MAX_MATCHES", 1_000, minimum=1),
            notify_worker=_bool(env, "NOTIFY_WORKER", default=True),
            notify_poll_ms=_int(env, "NOTIFY_POLL_MS", 500, minimum=1),
            notify_max_attempts=_int(env, "NOTIFY_MAX_ATTEMPTS", 8, minimum=1),
            notify_backoff_base_ms=_int(env, "NOTIFY_BACKOFF_BASE_MS", 2_000, minimum=0),
            notify_backoff_max_ms=_int(env, "NOTIFY_BACKOFF_MAX_MS", 600_000, minimum=0),
            notify_lease_ms=_int(env, "NOTIFY_LEASE_MS", 60_000, minimum=100),
            notify_timeout_ms=_int(env, "NOTIFY_TIMEOUT_MS", 10_000, minimum=100),
            notify_downstream_depth=_int(env, "NOTIFY_DOWNSTREAM_DEPTH", 2, minimum=0),
            notify_batch=_int(env, "NOTIFY_BATCH", 100, minimum=1),
            notify_allow_private_networks=_bool(
                env, "NOTIFY_ALLOW_PRIVATE_NETWORKS", default=False
            ),
            notify_allowed_networks=_networks(env, "NOTIFY_ALLOWED_NETWORKS"),
            **_smtp(env),
            secret_key=_secret_key(env),
            secret_key_file=env.get(PREFIX + "SECRET_KEY_FILE") or None,
            max_query_depth=_int(env, "MAX_QUERY_DEPTH", 15, minimum=1),
            max_aliases=_int(env, "MAX_ALIASES", 30, minimum=0),
            max_tokens=_int(env, "MAX_TOKENS", 5_000, minimum=1),
            max_body_bytes=_int(env, "MAX_BODY_BYTES", 1_048_576, minimum=1),
            ingest_max_body_bytes=_int(env, "INGEST_MAX_BODY_BYTES", 16_000_000, minimum=1),
            public_introspection=_bool(env, "PUBLIC_INTROSPECTION", default=True),
            cors_origins=_origins(env, "CORS_ORIGINS"),
        )


__all__ = ["DEFAULT_DATABASE_URL", "Settings", "SettingsError"]
