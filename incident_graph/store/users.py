"""Users and their access tokens (stored as hashes only)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from sqlalchemy import bindparam, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from incident_graph.domain.enums import Role
from incident_graph.store.batch import planning
from incident_graph.store.search import escape_like
from incident_graph.store.tables import AccessToken, User, core_table


async def count_users(session: AsyncSession) -> int:
    return int((await session.execute(select(func.count()).select_from(User))).scalar_one())


async def get_user(session: AsyncSession, *, name: str) -> User | None:
    return (await session.scalars(select(User).where(User.name == name))).one_or_none()


# Built once: every incident write checks it inside its unit.
_ROLE_OF = select(User.role).where(User.id == bindparam("user_id"))


async def role_of(session: AsyncSession, *, user_id: int) -> str | None:
    """The user's role as stored now (in the caller's transaction); None for no such user."""
    pending = planning(session)
    if pending is not None and user_id in pending.roles:
        # Read by an earlier unit of the segment, in this transaction: nothing batched writes
        # users, and a unit that does ends the segment, so it is still the stored role.
        return pending.roles[user_id]
    result = await session.execute(_ROLE_OF, {"user_id": user_id})
    role = result.scalar_one_or_none()
    if pending is not None:
        pending.roles[user_id] = role
    return role


async def insert_user(session: AsyncSession, *, name: str, role: str, now_ms: int) -> int:
    result = await session.execute(
        insert(User).values(name=name, role=role, created_ms=now_ms).returning(User.id)
    )
    return int(result.scalar_one())


async def set_role(session: AsyncSession, *, user_id: int, role: str) -> None:
    await session.execute(update(User).where(User.id == user_id).values(role=role))


async def lock_for_role_change(session: AsyncSession, *, user_id: int, role: str) -> dict[int, str]:
    """{id: role} of the user and of everyone holding `role`, locked (PostgreSQL) until commit.

    One statement, rows in id order: two units changing roles at once queue on these rows
    instead of deadlocking, and the later one reads the earlier one's change (on SQLite the
    single writer already runs them one after the other).
    """
    rows = await session.execute(
        select(User.id, User.role)
        .where((User.role == role) | (User.id == user_id))
        .order_by(User.id)
        .with_for_update()
    )
    return {int(row_id): str(row_role) for row_id, row_role in rows}


async def insert_token(
    session: AsyncSession,
    *,
    user_id: int,
    name: str,
    token_hash: str,
    now_ms: int,
    expires_ms: int | None,
) -> int:
    result = await session.execute(
        insert(AccessToken)
        .values(
            user_id=user_id,
            name=name,
            token_hash=token_hash,
            created_ms=now_ms,
            expires_ms=expires_ms,
        )
        .returning(AccessToken.id)
    )
    return int(result.scalar_one())


@dataclass(frozen=True, slots=True)
class TokenOwner:
    """A token as the request gate needs it, with its user."""

    token_id: int
    token_name: str
    token_hash: str
    revoked_ms: int | None
    expires_ms: int | None
    user_id: int
    user_name: str
    role: Role


_TOKENS: Final = core_table(AccessToken)
_USERS: Final = core_table(User)
# Built once, and Core rather than ORM: every request checks its token, and building the
# select() or loading ORM objects cost more than running it (the profile of an incident page).
_FIND_TOKEN: Final = (
    select(
        _TOKENS.c.id,
        _TOKENS.c.name,
        _TOKENS.c.token_hash,
        _TOKENS.c.revoked_ms,
        _TOKENS.c.expires_ms,
        _USERS.c.id,
        _USERS.c.name,
        _USERS.c.role,
    )
    .join(_USERS, _USERS.c.id == _TOKENS.c.user_id)
    .where(_TOKENS.c.token_hash == bindparam("token_hash"))
)


async def find_token(connection: AsyncConnection, *, token_hash: str) -> TokenOwner | None:
    row = (await connection.execute(_FIND_TOKEN, {"token_hash": token_hash})).one_or_none()
    return None if row is None else TokenOwner(*row)


async def revoke_token(
    session: AsyncSession, *, token_id: int, now_ms: int, user_id: int | None = None
) -> bool:
    """Mark a token revoked (only if it is `user_id`'s, when given); False when none was."""
    stmt = update(AccessToken).where(AccessToken.id == token_id, AccessToken.revoked_ms.is_(None))
    if user_id is not None:
        stmt = stmt.where(AccessToken.user_id == user_id)
    result = await session.execute(stmt.values(revoked_ms=now_ms).returning(AccessToken.id))
    return result.scalar_one_or_none() is not None


async def list_tokens(
    session: AsyncSession, *, user_id: int | None
) -> list[tuple[AccessToken, str]]:
    """Tokens (of one user, or everyone's) with their user's name, oldest first."""
    stmt = select(AccessToken, User.name).join(User, User.id == AccessToken.user_id)
    if user_id is not None:
        stmt = stmt.where(AccessToken.user_id == user_id)
    rows = await session.execute(stmt.order_by(AccessToken.id))
    return [(token, name) for token, name in rows]


async def page_users(
    session: AsyncSession, *, query: str | None, start: int, count: int
) -> tuple[int, list[User]]:
    """Users by name, those whose name, display name or email contains `query` (any case)."""
    stmt = select(User)
    needle = (query or "").strip().lower()
    if needle:
        pattern = f"%{escape_like(needle)}%"
        stmt = stmt.where(
            or_(
                func.lower(User.name).like(pattern, escape="\\"),
                func.lower(func.coalesce(User.display_name, "")).like(pattern, escape="\\"),
                func.lower(func.coalesce(User.email, "")).like(pattern, escape="\\"),
            )
        )
    total = (await session.execute(select(func.count()).select_from(stmt.subquery()))).scalar_one()
    rows = await session.scalars(stmt.order_by(User.name).offset(start).limit(count))
    return int(total), list(rows)
