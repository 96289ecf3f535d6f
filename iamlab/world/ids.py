"""Deterministic ids, secrets and tokens: the same world spec always gets the same ones."""

from __future__ import annotations

import base64
import hashlib

_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_SECRET_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def _digest(*parts: str) -> bytes:
    joined = "\x1f".join(parts).encode("utf-8")
    return hashlib.sha256(joined).digest() + hashlib.sha256(b"more\x1f" + joined).digest()


def _encode(digest: bytes, alphabet: str, length: int) -> str:
    # Both alphabets have a power-of-two size, so masking a byte picks evenly from them.
    mask = len(alphabet) - 1
    return "".join(alphabet[byte & mask] for byte in digest[:length])


def unique_id(prefix: str, *parts: str) -> str:
    """Return an IAM unique id: the prefix (AIDA, AROA, ...) and 17 characters."""
    return prefix + _encode(_digest(prefix, *parts), _ID_ALPHABET, 17)


def access_key_id(prefix: str, *parts: str) -> str:
    """Return an access key id: AKIA or ASIA and 16 characters."""
    return prefix + _encode(_digest(prefix, *parts), _ID_ALPHABET, 16)


def secret_access_key(*parts: str) -> str:
    """Return a 40-character secret access key."""
    return _encode(_digest("secret", *parts), _SECRET_ALPHABET, 40)


def session_token(*parts: str) -> str:
    """Return an opaque session token (base64 text, as STS's tokens look)."""
    material = b"".join(_digest("token", *parts, str(round_)) for round_ in range(4))
    return "IQoJb3JpZ2luX2VjE" + base64.b64encode(material).decode("ascii")


def secret_bytes(*parts: str) -> bytes:
    """Return 32 bytes of key material (MFA device secrets, token signing keys)."""
    return hashlib.sha256("\x1f".join(("key", *parts)).encode("utf-8")).digest()
