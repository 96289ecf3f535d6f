"""Who is calling: resolve credentials to a principal, the way each service reports failures."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from iamlab.world.credentials import Credentials
from iamlab.world.entities import Role, Session, User
from iamlab.world.errors import AwsError
from iamlab.world.events import EventCaller

if TYPE_CHECKING:
    from iamlab.world.state import WorldState

CallerKind = (
    str  # user | root | assumed-role | session-token | federation-token | service | anonymous
)

# How each service words the four ways authentication fails: (code, message, status).
_AUTH_ERRORS: dict[str, dict[str, tuple[str, str, int]]] = {
    "default": {
        "unknown": (
            "InvalidClientTokenId",
            "The security token included in the request is invalid.",
            403,
        ),
        "signature": (
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided. "
            "Check your AWS Secret Access Key and signing method. Consult the service "
            "documentation for details.",
            403,
        ),
        "expired": ("ExpiredToken", "The security token included in the request is expired", 403),
        "missing": ("MissingAuthenticationToken", "Request is missing Authentication Token", 403),
    },
    "s3": {
        "unknown": (
            "InvalidAccessKeyId",
            "The AWS Access Key Id you provided does not exist in our records.",
            403,
        ),
        "signature": (
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided. "
            "Check your key and signing method.",
            403,
        ),
        "expired": ("ExpiredToken", "The provided token has expired.", 400),
        "token": ("InvalidToken", "The provided token is malformed or otherwise invalid.", 400),
    },
    "lambda": {
        "unknown": (
            "UnrecognizedClientException",
            "The security token included in the request is invalid.",
            403,
        ),
        "signature": (
            "InvalidSignatureException",
            "The request signature we calculated does not match the signature you provided. "
            "Check your AWS Secret Access Key and signing method. Consult the service "
            "documentation for details.",
            403,
        ),
        "expired": (
            "ExpiredTokenException",
            "The security token included in the request is expired",
            403,
        ),
        "missing": ("MissingAuthenticationTokenException", "Missing Authentication Token", 403),
    },
}


def auth_error(service: str, failure: str) -> AwsError:
    """Return the error `service` gives for an authentication failure."""
    table = _AUTH_ERRORS.get(service, _AUTH_ERRORS["default"])
    code, message, status = table.get(failure) or _AUTH_ERRORS["default"][failure]
    if failure == "token" and service != "s3":
        code, message, status = _AUTH_ERRORS["default"]["unknown"]
    return AwsError(code, message, status)


@dataclass
class Caller:
    """The principal behind a request."""

    kind: CallerKind
    account_id: str | None
    arn: str  # the principal as the engine and AccessDenied messages name it
    access_key_id: str | None = None
    user: User | None = None
    role: Role | None = None
    session: Session | None = None
    service_principal: str | None = None

    @property
    def credential_type(self) -> str:
        if self.kind in ("user", "root"):
            return "long-term"
        if self.kind == "service":
            return "service"
        if self.kind == "anonymous":
            return "anonymous"
        return "temporary"

    @property
    def is_temporary(self) -> bool:
        return self.session is not None

    @property
    def principal_arn(self) -> str | None:
        """The value of aws:PrincipalArn: a role session gives its role's ARN."""
        if self.kind == "assumed-role" and self.role is not None:
            return self.role.arn
        if self.kind in ("service", "anonymous"):
            return None
        return self.arn

    @property
    def user_id(self) -> str:
        """The value of aws:userid and of GetCallerIdentity's UserId."""
        if self.kind == "root":
            return self.account_id or ""
        if self.kind == "assumed-role" and self.role and self.session:
            return f"{self.role.role_id}:{self.session.session_name}"
        if self.kind == "federation-token" and self.session:
            return f"{self.account_id}:{self.session.session_name}"
        if self.user is not None:
            return self.user.user_id
        return self.arn

    def event_caller(self) -> EventCaller:
        """Describe the caller for the event log."""
        return EventCaller(
            principal_arn=self.service_principal
            or (None if self.kind == "anonymous" else self.arn),
            access_key_id=self.access_key_id,
            credential_type=self.credential_type,
            source_identity=self.session.source_identity if self.session else None,
            session_name=self.session.session_name if self.session else None,
        )


ANONYMOUS = Caller(kind="anonymous", account_id=None, arn="anonymous")


def resolve_caller(
    world: WorldState, credentials: Credentials | None, service: str, signed: bool
) -> Caller:
    """Authenticate `credentials`; raise the service's error when they don't hold."""
    if credentials is None:
        if signed and service != "s3":
            raise auth_error(service, "missing")
        return ANONYMOUS
    if not isinstance(credentials, Credentials):
        raise auth_error(service, "unknown")
    key_id = credentials.access_key_id
    long_term = world.long_term_keys.get(key_id)
    if long_term is not None:
        account, user, key = long_term
        if key.status != "Active":
            raise auth_error(service, "unknown")
        if credentials.secret_access_key != key.secret:
            raise auth_error(service, "signature")
        if credentials.session_token:
            # A session token with a long-term key: AWS cannot find such a token.
            raise auth_error(service, "token" if service == "s3" else "unknown")
        if user is None:
            return Caller("root", account.account_id, account.root_arn, key_id)
        return Caller("user", account.account_id, user.arn, key_id, user=user)
    session = world.sessions.get(key_id)
    if session is None:
        raise auth_error(service, "unknown")
    if credentials.secret_access_key != session.secret:
        raise auth_error(service, "signature")
    if credentials.session_token != session.token:
        raise auth_error(service, "token" if service == "s3" else "unknown")
    if world.now() >= session.expiration:
        raise auth_error(service, "expired")
    return caller_for_session(world, session)


def caller_for_session(world: WorldState, session: Session) -> Caller:
    """Build the caller that a session's credentials stand for."""
    if session.kind == "assumed-role":
        role = world.find_role(session.role_arn or "")
        return Caller(
            "assumed-role",
            session.account_id,
            session.arn,
            session.access_key_id,
            role=role,
            session=session,
        )
    user = world.find_user(session.user_arn or "")
    if session.kind == "federation-token":
        return Caller(
            "federation-token",
            session.account_id,
            session.arn,
            session.access_key_id,
            user=user,
            session=session,
        )
    return Caller(
        "session-token",
        session.account_id,
        session.user_arn or "",
        session.access_key_id,
        user=user,
        session=session,
    )
