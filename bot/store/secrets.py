"""Credentials at rest (a calendar's secret address): Fernet tokens under a key from the
environment (RAPPORT_CALENDAR_KEY, read by bot/config.py), never the plain value.

Several keys, comma-separated, rotate: the first encrypts, any of them decrypts, so a new key
can be put in front and the old one dropped once everything has been re-saved.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from bot.domain.errors import UserInputError

KEY_ENV = "RAPPORT_CALENDAR_KEY"
MAKE_KEY = (
    "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
)


class SecretKeyError(UserInputError):
    """No key, a malformed key, or a token no key opens. The message never holds a secret."""


def check_keys(value: str) -> str:
    """`value` as given, if every comma-separated part is a Fernet key; ValueError if not."""
    parts = [p.strip() for p in value.split(",") if p.strip()]
    if not parts:
        raise ValueError(f"{KEY_ENV} is empty; make a key with: {MAKE_KEY}")
    for part in parts:
        try:
            Fernet(part.encode())
        except (ValueError, TypeError) as exc:
            raise ValueError(
                f"{KEY_ENV} is not a Fernet key (32 url-safe base64 bytes); make one with: "
                f"{MAKE_KEY}"
            ) from exc
    return value


class SecretBox:
    def __init__(self, keys: str | None) -> None:
        self._fernet: MultiFernet | None = None
        if keys:
            check_keys(keys)
            self._fernet = MultiFernet(
                [Fernet(p.strip().encode()) for p in keys.split(",") if p.strip()]
            )

    @property
    def ready(self) -> bool:
        return self._fernet is not None

    def seal(self, plain: str) -> str:
        if self._fernet is None:
            raise SecretKeyError(
                f"Calendar addresses are stored encrypted, and {KEY_ENV} is not set, so "
                f"nothing was saved. Make a key with: {MAKE_KEY}"
            )
        return self._fernet.encrypt(plain.encode()).decode()

    def open(self, token: str) -> str:
        if self._fernet is None:
            raise SecretKeyError(
                f"{KEY_ENV} is not set, so stored calendar addresses can't be read."
            )
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken as exc:
            raise SecretKeyError(
                f"No key in {KEY_ENV} opens this calendar's address (was the key changed?). "
                "Connect the calendar again."
            ) from exc
