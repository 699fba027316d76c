"""Changing one's own password from the account page: the current one first (throttled like a login), then the
new one through the one password check; the account's other sessions end."""

from __future__ import annotations

import logging

from inclusion.accounts.login import authenticate
from inclusion.accounts.passwords import hash_password, password_problem
from inclusion.accounts.sessions import session_key
from inclusion.accounts.throttle import identifier_hash
from inclusion.errors import InvalidData
from inclusion.scoping import Caller
from inclusion.settings import Settings
from inclusion.storage import db
from inclusion.storage.tables.accounts import Session, User

logger = logging.getLogger("inclusion.accounts")


async def change_password(
    settings: Settings, caller: Caller, current: str, new: str, confirmation: str, ip: str, session_cookie: str
) -> None:
    """Raise InvalidData (per field, in French) or TooManyAttempts; nothing changes then."""
    problems: dict[str, str] = {}
    if not current:
        problems["current_password"] = "Indiquez votre mot de passe actuel."
    if problem := password_problem(new, caller.email):
        problems["new_password"] = problem
    elif new == current:
        problems["new_password"] = "Le nouveau mot de passe doit être différent de l'actuel."
    if new != confirmation:
        problems["new_password_confirmation"] = "Les deux saisies du nouveau mot de passe ne sont pas identiques."
    if problems:
        raise InvalidData(problems)
    if await authenticate(settings, caller.email, current, ip) != caller.user_id:
        raise InvalidData({"current_password": "Mot de passe actuel incorrect."})
    password_hash = await hash_password(new)
    async with db.write_transaction():
        await User.update({User.password_hash: password_hash}).where(User.id == caller.user_id).run()
        await (
            Session.delete()
            .where(Session.user == caller.user_id, Session.key != session_key(settings, session_cookie))
            .run()
        )
    logger.info("Mot de passe changé pour le compte %s", identifier_hash(settings, caller.email))
