"""Users and access tokens: the first admin, new tokens, revocation."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from incident_graph.auth.audit import record_allowed
from incident_graph.auth.tokens import hash_secret, new_secret
from incident_graph.domain import limits
from incident_graph.domain.enums import Role
from incident_graph.domain.errors import (
    BadUserInputError,
    ConflictError,
    NotFoundError,
)
from incident_graph.store import Database, Writer
from incident_graph.store import users as user_store
from incident_graph.store.tables import AccessToken, User
from incident_graph.urns import InvalidUrnError, parse_actor_urn, user_urn

FIRST_ADMIN = "admin"
# Who the audit log names for changes made from the command line (by whoever runs the server).
CLI_ACTOR = "urn:li:corpuser:cli"
MAX_TOKEN_NAME = limits.NAME
MAX_TOKEN_DAYS = 3650
DAY_MS = 86_400_000


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token_id: int
    user: str
    role: Role
    secret: str
    role_changed_from: Role | None = None


@dataclass(frozen=True, slots=True)
class NewToken:
    token_id: int
    user: str
    name: str
    secret: str
    created_ms: int
    expires_ms: int | None


def _check_name(name: str) -> None:
    try:
        parse_actor_urn(user_urn(name))
    except InvalidUrnError as exc:
        raise BadUserInputError(
            f"bad user name {name!r}: no spaces, commas or parentheses"
        ) from exc


async def change_role(
    session: AsyncSession, *, user: User, role: Role, actor: str, now_ms: int
) -> Role | None:
    """Give a user another role inside the caller's unit, audited; the old role, or None when
    it already had this one. CONFLICT when it would leave no admin. The one way roles change
    (setUserRole, `user set-role`, `token create --role`)."""
    held = await user_store.lock_for_role_change(session, user_id=user.id, role=Role.ADMIN)
    old = Role(held[user.id])
    if old is role:
        return None
    if old is Role.ADMIN and not any(
        other != user.id and other_role == Role.ADMIN for other, other_role in held.items()
    ):
        raise ConflictError(
            f"{user_urn(user.name)} is the last admin; make another user admin first "
            "(setUserRole), then change this one",
            urn=user_urn(user.name),
        )
    await user_store.set_role(session, user_id=user.id, role=role)
    await record_allowed(
        session,
        actor=actor,
        operation="setUserRole",
        target=f"{user_urn(user.name)}: {old.value} -> {role.value}",
        now_ms=now_ms,
    )
    return old


async def set_user_role(*, writer: Writer, user: str, role: Role, actor: str) -> Role | None:
    """Change a user's role (it applies from their next request); the old role, or None."""

    async def unit(session: AsyncSession) -> Role | None:
        found = await user_store.get_user(session, name=user)
        if found is None:
            raise NotFoundError(
                f"no user {user_urn(user)}; create it with createUser first", urn=user_urn(user)
            )
        return await change_role(session, user=found, role=role, actor=actor, now_ms=writer.clock())

    return await writer.run(unit)


async def _issue(
    session: AsyncSession,
    *,
    user: str,
    role: Role | None,
    label: str,
    now: int,
    actor: str = CLI_ACTOR,
) -> IssuedToken:
    existing = await user_store.get_user(session, name=user)
    changed_from: Role | None = None
    if existing is None:
        effective = role or Role.VIEWER
        user_id = await user_store.insert_user(session, name=user, role=effective, now_ms=now)
    else:
        user_id = existing.id
        effective = existing.role
        if role is not None:
            changed_from = await change_role(
                session, user=existing, role=role, actor=actor, now_ms=now
            )
            effective = role
    secret = new_secret()
    token_id = await user_store.insert_token(
        session,
        user_id=user_id,
        name=label,
        token_hash=hash_secret(secret),
        now_ms=now,
        expires_ms=None,
    )
    return IssuedToken(token_id, user, effective, secret, changed_from)


async def create_token(
    *, writer: Writer, user: str, role: Role | None, label: str = "cli", actor: str = CLI_ACTOR
) -> IssuedToken:
    """Issue a token for a user, creating the user (viewer unless a role is given); a role for
    an existing user changes it as setUserRole would."""
    _check_name(user)

    async def unit(session: AsyncSession) -> IssuedToken:
        return await _issue(
            session, user=user, role=role, label=label, now=writer.clock(), actor=actor
        )

    return await writer.run(unit)


async def bootstrap_admin(*, writer: Writer) -> IssuedToken | None:
    """On an empty database, create the first admin and its token; None otherwise."""

    async def unit(session: AsyncSession) -> IssuedToken | None:
        if await user_store.count_users(session):
            return None
        return await _issue(
            session, user=FIRST_ADMIN, role=Role.ADMIN, label="first-admin", now=writer.clock()
        )

    return await writer.run(unit)


async def revoke_token(
    *, writer: Writer, token_id: int, owner_id: int | None = None, actor: str | None = None
) -> None:
    """Revoke a token (only the owner's, when given); the next request presenting it is refused."""

    async def unit(session: AsyncSession) -> None:
        if not await user_store.revoke_token(
            session, token_id=token_id, now_ms=writer.clock(), user_id=owner_id
        ):
            raise NotFoundError(
                f"no active token with id {token_id}"
                + ("" if owner_id is None else " among your tokens; see listAccessTokens")
            )
        if actor is not None:
            await record_allowed(
                session,
                actor=actor,
                operation="revokeAccessToken",
                target=f"token {token_id}",
                now_ms=writer.clock(),
            )

    await writer.run(unit)


async def issue_access_token(
    *, writer: Writer, user: str, label: str, expires_in_days: int | None, actor: str
) -> NewToken:
    """A new token for an existing user, optionally expiring."""
    label = label.strip()
    if not 1 <= len(label) <= MAX_TOKEN_NAME:
        raise BadUserInputError(f"token name must be 1-{MAX_TOKEN_NAME} characters", field="name")
    if expires_in_days is not None and not 1 <= expires_in_days <= MAX_TOKEN_DAYS:
        raise BadUserInputError(
            f"expiresInDays must be between 1 and {MAX_TOKEN_DAYS}, or left out for no expiry",
            field="expiresInDays",
        )

    async def unit(session: AsyncSession) -> NewToken:
        found = await user_store.get_user(session, name=user)
        if found is None:
            raise NotFoundError(f"no user {user_urn(user)}; create it with createUser first")
        now = writer.clock()
        expires = None if expires_in_days is None else now + expires_in_days * DAY_MS
        secret = new_secret()
        token_id = await user_store.insert_token(
            session,
            user_id=found.id,
            name=label,
            token_hash=hash_secret(secret),
            now_ms=now,
            expires_ms=expires,
        )
        await record_allowed(
            session,
            actor=actor,
            operation="createAccessToken",
            target=f"token {token_id} for {user_urn(user)}",
            now_ms=writer.clock(),
        )
        return NewToken(token_id, user, label, secret, now, expires)

    return await writer.run(unit)


async def list_access_tokens(*, db: Database, user_id: int | None) -> list[tuple[AccessToken, str]]:
    """Token metadata (never secrets) of one user, or of everyone when user_id is None."""
    async with db.reading() as session:
        return await user_store.list_tokens(session, user_id=user_id)
