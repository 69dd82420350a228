"""Settings from the environment (prefix INCIDENT_GRAPH_), one object passed down."""

from __future__ import annotations

import base64
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from ipaddress import ip_network
from typing import Final
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from incident_graph.domain.checks import CheckPolicy
from incident_graph.domain.enums import IncidentPriority
from incident_graph.domain.errors import BadUserInputError
from incident_graph.domain.incidents import check_assignees

PREFIX: Final = "INCIDENT_GRAPH_"
DEFAULT_DATABASE_URL: Final = "sqlite+aiosqlite:///./incident-graph.db"


class SettingsError(ValueError):
    """An environment variable has a value the server cannot use."""


def _int(env: Mapping[str, str], name: str, minimum: int) -> int:
    raw = env[name]
    try:
        value = int(raw)
    except ValueError as exc:
        raise SettingsError(f"{name}={raw!r} is not a whole number") from exc
    if value < minimum:
        raise SettingsError(f"{name}={value} must be at least {minimum}")
    return value


def _bool(env: Mapping[str, str], name: str) -> bool:
    raw = env[name]
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"{name}={raw!r} must be true or false")


def _origins(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    raw = env[name]
    origins: list[str] = []
    for item in raw.split(","):
        origin = item.strip().rstrip("/")
        if not origin:
            continue
        parts = urlsplit(origin)
        if parts.scheme not in {"http", "https"} or not parts.netloc or parts.path:
            raise SettingsError(
                f"{name}: {item.strip()!r} is not an origin; "
                "list origins like https://app.example.com,http://localhost:3000"
            )
        origins.append(origin)
    return tuple(origins)


def _networks(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    raw = env[name]
    networks: list[str] = []
    for item in raw.split(","):
        text = item.strip()
        if not text:
            continue
        try:
            networks.append(str(ip_network(text, strict=False)))
        except ValueError as exc:
            raise SettingsError(
                f"{name}: {text!r} is not a network; list CIDRs like 10.20.0.0/16,127.0.0.1/32"
            ) from exc
    return tuple(networks)


def _secret_key(env: Mapping[str, str], name: str) -> str:
    """Comma-separated Fernet keys (32 url-safe base64 bytes each), checked here so a typo stops
    the server at start rather than at the first secret it stores."""
    raw = env[name]
    for key in (k.strip() for k in raw.split(",")):
        try:
            ok = len(base64.urlsafe_b64decode(key.encode())) == 32
        except (ValueError, TypeError):
            ok = False
        if not ok:
            raise SettingsError(
                f"{name}: a key is not a Fernet key (32 url-safe base64-encoded "
                'bytes); make one with python -c "from cryptography.fernet import Fernet; '
                'print(Fernet.generate_key().decode())"'
            )
    return raw


def _priority(env: Mapping[str, str], name: str) -> IncidentPriority:
    raw = env[name].strip().upper()
    try:
        return IncidentPriority(raw)
    except ValueError as exc:
        known = ", ".join(IncidentPriority)
        raise SettingsError(f"{name}={env[name]!r}: use one of {known}") from exc


def _assignees(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    try:
        return check_assignees([a.strip() for a in env[name].split(",") if a.strip()])
    except BadUserInputError as exc:
        raise SettingsError(f"{name}: {exc.message}") from exc


def parse_database_url(raw: str, name: str = f"{PREFIX}DATABASE_URL") -> str:
    """A database URL this server can use, or SettingsError naming where it came from."""
    if not raw.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
        raise SettingsError(
            f"{name}={raw!r}: use sqlite+aiosqlite:///path.db or postgresql+asyncpg://user@host/db"
        )
    try:
        # Parsed now, so a typo (a port that is not a number) stops at start with this
        # message rather than at the first connection with SQLAlchemy's.
        make_url(raw).port  # noqa: B018 - reading the port is the check
    except (ArgumentError, ValueError) as exc:
        raise SettingsError(
            f"{name}={raw!r} is not a database URL ({exc}); use "
            "sqlite+aiosqlite:///path.db or postgresql+asyncpg://user@host:5432/db"
        ) from exc
    return raw


def _at_least(minimum: int) -> dict[str, int]:
    return {"minimum": minimum}


def _parsed_by(parse: Callable[[Mapping[str, str], str], object]) -> dict[str, object]:
    return {"parse": parse}


@dataclass(frozen=True, slots=True)
class Settings:
    """Every setting, with its default; INCIDENT_GRAPH_<NAME> sets it (see from_env)."""

    database_url: str = field(
        default=DEFAULT_DATABASE_URL, metadata=_parsed_by(lambda env, n: parse_database_url(env[n]))
    )
    host: str = "127.0.0.1"
    port: int = 8080
    # Connections the PostgreSQL pool may hold; SQLite ignores it.
    db_pool_size: int = field(default=10, metadata=_at_least(1))
    # PostgreSQL: how long to wait for a connection (to open one, or for the pool to lend one)
    # and for one statement, before the request answers UNAVAILABLE rather than hang.
    db_connect_timeout_ms: int = field(default=3_000, metadata=_at_least(100))
    db_statement_timeout_ms: int = field(default=30_000, metadata=_at_least(100))
    # How long a SQLite write waits for another process's write lock before it is refused.
    sqlite_busy_timeout_ms: int = field(default=30_000, metadata=_at_least(0))
    # Units of work the group-commit writer may put in one transaction.
    write_batch_max: int = field(default=64, metadata=_at_least(1))
    # Writer tasks on PostgreSQL, each grouping its own transactions (SQLite has one). Two:
    # since a group's statements are batched, fewer and larger groups beat more parallel
    # transactions (raise at 16 clients: 2 tasks 313-334 req/s, 4: 261-287, 8: 251).
    write_concurrency: int = field(default=2, metadata=_at_least(1))
    log_level: str = field(default="info", metadata=_parsed_by(lambda env, n: env[n].lower()))
    public_url: str | None = None
    # Soda's rule: resolving needs a note saying what was done.
    require_resolution_note: bool = True
    # How far lineage is walked: upstream health, impactedAssets, upstreams/downstreams(depth).
    lineage_max_depth: int = field(default=10, metadata=_at_least(1))
    # searchIncidents considers at most this many matches (the most recently raised): its
    # total, facets and pages stop there, so a word in every title stays cheap.
    incident_search_max_matches: int = field(default=1_000, metadata=_at_least(1))
    # Request limits on /api/graphql; each refusal answers BAD_USER_INPUT.
    max_query_depth: int = field(default=15, metadata=_at_least(1))
    max_aliases: int = 30
    max_tokens: int = field(default=5_000, metadata=_at_least(1))
    max_body_bytes: int = field(default=1_048_576, metadata=_at_least(1))
    # DataHub's REST ingestion routes take bodies up to GMS's own limit (its emitters chunk
    # batches to about 15 MB); GraphQL keeps max_body_bytes.
    ingest_max_body_bytes: int = field(default=16_000_000, metadata=_at_least(1))
    # True: anyone may load the schema (introspection) without a token. False: a token is needed.
    public_introspection: bool = True
    # True: /badge/<urn>.svg answers without a signature, for any asset (anyone who can reach
    # the server sees every asset's health). False: only URLs signed by the server (badgeUrl).
    public_badges: bool = False
    # True: the hottest reads (an asset's incident page, an incident by URN) run as one SQL
    # statement that builds the response's JSON; False: always through the resolvers.
    compiled_reads: bool = True
    # Browser origins allowed to call the API cross-origin; empty means CORS stays off.
    cors_origins: tuple[str, ...] = field(default=(), metadata=_parsed_by(_origins))

    # Notifications: the delivery worker in the server, its pace, retries and reach.
    notify_worker: bool = True
    notify_poll_ms: int = field(default=500, metadata=_at_least(1))
    notify_max_attempts: int = field(default=8, metadata=_at_least(1))
    notify_backoff_base_ms: int = 2_000
    notify_backoff_max_ms: int = 600_000
    # How long a worker owns a delivery it is sending; after that another worker may retry it.
    notify_lease_ms: int = field(default=60_000, metadata=_at_least(100))
    notify_timeout_ms: int = field(default=10_000, metadata=_at_least(100))
    notify_downstream_depth: int = 2
    notify_batch: int = field(default=100, metadata=_at_least(1))
    # Where notifications may connect (webhook, Slack, Teams): public addresses only, unless
    # private networks (and loopback) are allowed or a network is listed explicitly.
    notify_allow_private_networks: bool = False
    notify_allowed_networks: tuple[str, ...] = field(default=(), metadata=_parsed_by(_networks))
    # The server's own SMTP relay, for notifications sent to users personally; None: no email.
    smtp_host: str | None = None
    smtp_port: int = field(default=25, metadata=_at_least(1))
    smtp_from: str | None = None
    smtp_starttls: bool = False
    smtp_username: str | None = None
    smtp_password: str | None = None
    # Keys that encrypt channel secrets at rest (Fernet, comma-separated; the first encrypts).
    secret_key: str | None = field(default=None, metadata=_parsed_by(_secret_key))
    # A file holding the keys, one a line; by default next to the SQLite database.
    secret_key_file: str | None = None

    # Checks: the incident policy of every check that does not set its own.
    check_raise_on_fail: bool = True
    check_raise_on_warn: bool = False
    check_auto_resolve: bool = False
    check_priority: IncidentPriority | None = field(default=None, metadata=_parsed_by(_priority))
    check_assignees: tuple[str, ...] = field(default=(), metadata=_parsed_by(_assignees))

    @property
    def check_policy(self) -> CheckPolicy:
        """The default policy checks inherit (setCheckPolicy overrides it per check)."""
        return CheckPolicy(
            raise_on_fail=self.check_raise_on_fail,
            raise_on_warn=self.check_raise_on_warn,
            priority=self.check_priority,
            auto_resolve=self.check_auto_resolve,
            assignees=self.check_assignees,
        )

    @property
    def base_url(self) -> str:
        return self.public_url or f"http://{self.host}:{self.port}"

    def with_overrides(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Settings from INCIDENT_GRAPH_<FIELD NAME IN CAPITALS>; unset or empty: the default."""
        env = os.environ if env is None else env
        values: dict[str, object] = {}
        for setting in fields(cls):
            name = PREFIX + setting.name.upper()
            if not env.get(name):
                continue
            parse = setting.metadata.get("parse")
            if parse is not None:
                values[setting.name] = parse(env, name)
            elif setting.type == "bool":
                values[setting.name] = _bool(env, name)
            elif setting.type == "int":
                values[setting.name] = _int(env, name, setting.metadata.get("minimum", 0))
            else:  # str, or str | None
                values[setting.name] = env[name]
        settings = cls(**values)  # type: ignore[arg-type]
        if settings.smtp_host and (not settings.smtp_from or "@" not in settings.smtp_from):
            raise SettingsError(
                f"{PREFIX}SMTP_HOST is set: {PREFIX}SMTP_FROM must be the sender address, "
                "like incidents@example.com"
            )
        return settings


__all__ = ["DEFAULT_DATABASE_URL", "Settings", "SettingsError", "parse_database_url"]
