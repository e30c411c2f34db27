"""Encryption at rest and keyed hashes for identity numbers.

ID numbers (Aadhaar, PAN, passport) are encrypted with Fernet (AES-128-CBC + HMAC-SHA256, from
the ``cryptography`` package) under ``settings.FIELD_ENCRYPTION_KEYS`` (first key encrypts,
all keys decrypt, so keys can be rotated) and looked up by HMAC-SHA256 under
``settings.ID_HASH_KEY``, so equality checks never need the plain number.
"""

import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def fernet() -> MultiFernet:
    """The MultiFernet of ``settings.FIELD_ENCRYPTION_KEYS`` (the first key encrypts, every key
    decrypts); documents at rest use it too (:mod:`smartbank.storage`)."""
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt_text(plain: str) -> str:
    """Encrypt ``plain`` and return the Fernet token as ASCII text."""
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS)).encrypt(plain.encode()).decode()


def decrypt_text(token: str) -> str:
    """Decrypt a token made by :func:`encrypt_text`.

    Raises ``cryptography.fernet.InvalidToken`` when no configured key opens it.
    """
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS)).decrypt(token.encode()).decode()


def rotate_text(token: str) -> str:
    """``token`` re-encrypted under the newest key (``MultiFernet.rotate``); "" stays "".

    Raises ``cryptography.fernet.InvalidToken`` when no configured key opens it.
    """
    return fernet().rotate(token.encode()).decode() if token else token


def keyed_hash(value: str, *, purpose: str) -> str:
    """HMAC-SHA256 of ``value`` under ``settings.ID_HASH_KEY``, separated by ``purpose``.

    Returns 64 hex characters; the same (value, purpose) always gives the same hash.
    """
    key = hashlib.sha256(f"{purpose}:{settings.ID_HASH_KEY}".encode()).digest()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


__all__ = ["InvalidToken", "decrypt_text", "encrypt_text", "fernet", "keyed_hash", "rotate_text"]
