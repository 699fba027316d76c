"""Passwords: the one check every new password goes through (`password_problem`), and argon2id hashes computed off
the event loop.

A password is refused, with a French reason, when it holds a control character, is shorter than 10 or longer than
200 characters, is only spaces or repeats fewer than 4 different characters, is one of the 20,000 most common
passwords (`common-passwords.txt.gz`, compared case-insensitively; where it comes from and its licence:
`common-passwords.LICENSE.txt`), or is made of the account's email address (its local part, its domain's words)
or the service's name with little of its own around them. Whatever sets a password (account creation through the
API, the pages or `inclusion user create`, a change on the account page, a reset) calls `password_problem` or
`check_password`; `generate_password` only gives passwords that pass it.
"""

from __future__ import annotations

import asyncio
import gzip
import re
import secrets
import unicodedata
from functools import cache, lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from inclusion.errors import InvalidData

MIN_LENGTH = 10
MAX_LENGTH = 200
MIN_DISTINCT = 4
MIN_OWN = 6  # characters of its own a password keeps once the email's and the service's words are taken out
SERVICE_WORDS = ("inclusion",)
COMMON_PASSWORDS = Path(__file__).with_name("common-passwords.txt.gz")
_CONTROL = {"Cc", "Zl", "Zp"}
_WORD_SEPARATORS = re.compile(r"[^0-9a-z]+")
_SUFFIX_CHARACTERS = "0123456789 !?.,;:*+-_=#@$%&"
_hasher = PasswordHasher()  # argon2id, RFC 9106 low-memory profile


def hash_password_sync(password: str) -> str:
    return _hasher.hash(password)


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_hasher.hash, password)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher.hash(secrets.token_urlsafe(16))


def _verify(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _dummy_hash(), password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


async def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password; with no hash (unknown account) spend the same time and answer False."""
    return await asyncio.to_thread(_verify, password_hash, password)


def generate_password() -> str:
    """A random password of 16 characters that `password_problem` accepts."""
    while True:
        password = secrets.token_urlsafe(12)
        if password_problem(password) is None:
            return password


@cache
def common_passwords() -> frozenset[str]:
    """The bundled list, lowercased, read once per process."""
    with gzip.open(COMMON_PASSWORDS, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip().lower() for line in lines if line.strip())


def _personal_words(email: str) -> list[str]:
    """The words a password must not be made of: the email's local part and its pieces, the domain's words, the
    service's name (longest first, so `jean-marie` goes before `jean`)."""
    local, _, domain = email.strip().lower().partition("@")
    words = {local, *_WORD_SEPARATORS.split(local), *_WORD_SEPARATORS.split(domain), *SERVICE_WORDS}
    return sorted((word for word in words if len(word) >= 3), key=len, reverse=True)


def _made_of_personal_words(lowered: str, email: str) -> bool:
    rest, found = lowered, False
    for word in _personal_words(email):
        if word in rest:
            rest, found = rest.replace(word, " "), True
    own = "".join(character for character in rest if character.isalnum())
    return found and (len(own) < MIN_OWN or own in common_passwords())


def password_problem(password: str, email: str = "") -> str | None:
    """Why this password may not be used for the account of `email` (French, one sentence); None when it may."""
    if any(unicodedata.category(character) in _CONTROL for character in password):
        return (
            "Le mot de passe ne doit contenir aucun caractère de contrôle "
            "(caractère nul, tabulation, retour à la ligne…)."
        )
    if len(password) < MIN_LENGTH:
        return f"Le mot de passe doit compter au moins {MIN_LENGTH} caractères."
    if len(password) > MAX_LENGTH:
        return f"Le mot de passe doit compter au plus {MAX_LENGTH} caractères."
    if not password.strip():
        return "Le mot de passe ne peut pas être fait que d'espaces."
    lowered = password.lower()
    if len(set(lowered)) < MIN_DISTINCT:
        return f"Le mot de passe répète trop les mêmes caractères : utilisez-en au moins {MIN_DISTINCT} différents."
    base = lowered.strip().rstrip(_SUFFIX_CHARACTERS)  # "motdepasse2024!" is "motdepasse" to an attacker
    if lowered in common_passwords() or base in common_passwords():
        return (
            "Ce mot de passe fait partie des mots de passe les plus courants, que les attaquants essaient en "
            "premier : choisissez-en un autre, par exemple trois ou quatre mots sans rapport entre eux."
        )
    if _made_of_personal_words(lowered, email):
        return (
            "Le mot de passe ne doit pas reprendre l'adresse électronique du compte ni le nom du service "
            "(« inclusion ») : choisissez-en un autre, par exemple trois ou quatre mots sans rapport entre eux."
        )
    return None


def check_password(password: str, email: str = "", field: str = "password") -> None:
    """Raise InvalidData on `field` when `password_problem` refuses the password."""
    if problem := password_problem(password, email):
        raise InvalidData({field: problem})
