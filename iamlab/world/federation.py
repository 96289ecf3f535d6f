"""Lab-minted identity: virtual MFA codes, OIDC web identity tokens, SAML assertions.

The world plays the identity provider too, so a lesson can hand a student a token. Tokens
are signed with HMAC-SHA256 under a key derived from the world's seed and the provider,
so only this world's tokens verify, and the same spec mints the same tokens.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from datetime import datetime
from typing import Any

MFA_STEP_SECONDS = 30
MAX_TOKEN_PART = 16_000


def mfa_code(secret: bytes, moment: datetime, step_offset: int = 0) -> str:
    """Return the 6-digit code a virtual MFA device shows at `moment` (TOTP, RFC 6238)."""
    counter = int(moment.timestamp()) // MFA_STEP_SECONDS + step_offset
    digest = hmac.new(secret, counter.to_bytes(8, "big"), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = int.from_bytes(digest[offset : offset + 4], "big") & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


def mfa_code_valid(secret: bytes, moment: datetime, code: str) -> bool:
    """Accept the current code and the previous one, as AWS tolerates a little clock drift."""
    return any(hmac.compare_digest(mfa_code(secret, moment, offset), code) for offset in (0, -1))


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64url(text: str) -> bytes | None:
    if len(text) > MAX_TOKEN_PART:
        return None
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return None


def mint_jwt(key: bytes, claims: dict[str, Any]) -> str:
    """Return a signed JWT (HS256) carrying `claims`."""
    header = {"alg": "HS256", "typ": "JWT", "kid": "iamlab-lab-key"}
    signing_input = (
        _b64url(json.dumps(header, separators=(",", ":")).encode())
        + "."
        + _b64url(json.dumps(claims, separators=(",", ":")).encode())
    )
    signature = hmac.new(key, signing_input.encode("ascii"), hashlib.sha256).digest()
    return signing_input + "." + _b64url(signature)


def read_jwt_claims(token: str) -> dict[str, Any] | None:
    """Return a JWT's claims without checking the signature; None if it is not a JWT."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    raw = _unb64url(parts[1])
    if raw is None:
        return None
    try:
        claims = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None
    return claims if isinstance(claims, dict) else None


def jwt_signature_valid(key: bytes, token: str) -> bool:
    """Say whether the token was signed with `key`."""
    parts = token.split(".")
    if len(parts) != 3:
        return False
    expected = hmac.new(key, f"{parts[0]}.{parts[1]}".encode("ascii", "replace"), hashlib.sha256)
    given = _unb64url(parts[2])
    return given is not None and hmac.compare_digest(expected.digest(), given)


def mint_saml(key: bytes, assertion: dict[str, Any]) -> str:
    """Return a base64 SAML response: the assertion fields as JSON plus a signature.

    Real SAML is signed XML; the lab keeps the same fields (Issuer, Subject, Recipient,
    Audience, NotOnOrAfter, attributes) in JSON so that nothing parses untrusted XML.
    """
    body = json.dumps(assertion, separators=(",", ":"), sort_keys=True)
    signature = _b64url(hmac.new(key, body.encode(), hashlib.sha256).digest())
    envelope = {"Assertion": assertion, "SignatureValue": signature}
    return base64.b64encode(json.dumps(envelope, separators=(",", ":")).encode()).decode()


def read_saml(text: str) -> tuple[dict[str, Any], str] | None:
    """Return (assertion, signature) from a SAML response; None if it cannot be read."""
    # A SAML response saved to a file (AWS's documented workflow for AssumeRoleWithSAML with
    # file://) keeps its line breaks, and IdPs often wrap base64 at 76 characters; white
    # space is not part of the encoding, so it is dropped before strict decoding.
    text = "".join(text.split())
    try:
        raw = base64.b64decode(text, validate=True)
        envelope = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    if not isinstance(envelope, dict):
        return None
    assertion, signature = envelope.get("Assertion"), envelope.get("SignatureValue")
    if not isinstance(assertion, dict) or not isinstance(signature, str):
        return None
    return assertion, signature


def saml_signature_valid(key: bytes, assertion: dict[str, Any], signature: str) -> bool:
    """Say whether the assertion was signed with `key`."""
    body = json.dumps(assertion, separators=(",", ":"), sort_keys=True)
    expected = _b64url(hmac.new(key, body.encode(), hashlib.sha256).digest())
    return hmac.compare_digest(expected, signature)


def name_qualifier(issuer: str, account_id: str, provider_name: str) -> str:
    """Return STS's NameQualifier: BASE64(SHA1(Issuer + AccountId + "/" + ProviderName))."""
    digest = hashlib.sha1(f"{issuer}{account_id}/{provider_name}".encode()).digest()
    return base64.b64encode(digest).decode("ascii")
