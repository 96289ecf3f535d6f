"""Who made a call, and who the console acts as now, named the way lesson goals name them.

Pure Python over a `World` and a `Console` (no Django). An identity is a user (its
long-term key), a role session (and how it was obtained), the calls a Lambda function makes
through its execution role, or an AWS service itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from iamlab.world.cli.credentials import selected_profile, user_profiles, web_identity_settings

if TYPE_CHECKING:
    from iamlab.world import Event, World
    from iamlab.world.cli import Console
    from iamlab.world.entities import Session

# How a role session came to be, as goals name it, from the STS operation that issued it.
VIA_BY_OPERATION = {
    "AssumeRole": "assume-role",
    "AssumeRoleWithWebIdentity": "web-identity",
    "AssumeRoleWithSAML": "saml",
}
VIA_CHOICES = ("assume-role", "web-identity", "saml", "service")


@dataclass(frozen=True)
class Who:
    """An identity as goals see it; fields that do not apply are empty."""

    # user | role | root | federated | service | anonymous | unknown (a key the world does
    # not know) | refused (a known key with the wrong secret or session token)
    kind: str
    account_id: str = ""
    user: str = ""
    role: str = ""
    via: str = ""
    function: str = ""
    service: str = ""
    arn: str = ""
    access_key_id: str = ""
    expiration: datetime | None = None
    session_name: str = ""

    @property
    def temporary(self) -> bool:
        return self.kind == "role" or self.access_key_id.startswith("ASIA")


def role_name(role_arn: str) -> str:
    """Return a role's name from its ARN (the part after the last slash)."""
    return role_arn.rsplit("/", 1)[-1]


class Identities:
    """Answer 'who is behind this access key' for one world, reading its log once."""

    def __init__(self, world: World) -> None:
        self.world = world
        self._origins: dict[str, Event | None] = {}

    def _origin(self, access_key_id: str) -> Event | None:
        """Return the call that issued a session's key (read from the newest call back)."""
        if access_key_id not in self._origins:
            found = None
            for event in reversed(self.world.events):
                session = (event.effect or {}).get("session")
                if isinstance(session, dict) and session.get("access_key_id") == access_key_id:
                    found = event
                    break
            self._origins[access_key_id] = found
        return self._origins[access_key_id]

    def of_key(self, access_key_id: str | None) -> Who:
        """Return the identity an access key stands for (a user, a role session, ...)."""
        if not access_key_id:
            return Who("anonymous")
        long_term = self.world.long_term_keys.get(access_key_id)
        if long_term is not None:
            account, user, _key = long_term
            if user is None:
                return Who(
                    "root",
                    account.account_id,
                    arn=account.root_arn,
                    access_key_id=access_key_id,
                )
            return Who(
                "user",
                account.account_id,
                user=user.name,
                arn=user.arn,
                access_key_id=access_key_id,
            )
        session = self.world.sessions.get(access_key_id)
        if session is None:
            return Who("unknown", access_key_id=access_key_id)
        return self._of_session(session)

    def _of_session(self, session: Session) -> Who:
        if session.kind != "assumed-role" or not session.role_arn:
            # GetSessionToken and GetFederationToken sessions act for the user who asked.
            return Who(
                "user" if session.kind == "session-token" else "federated",
                session.account_id,
                user=role_name(session.user_arn or "") if session.kind == "session-token" else "",
                arn=session.arn,
                access_key_id=session.access_key_id,
                expiration=session.expiration,
                session_name=session.session_name or "",
            )
        origin = self._origin(session.access_key_id)
        via, function = "", ""
        if origin is not None:
            if origin.caller.credential_type == "service":
                via = "service"
                if origin.caller.principal_arn == "lambda.amazonaws.com":
                    function = session.session_name or ""
            else:
                via = VIA_BY_OPERATION.get(origin.operation, "")
        return Who(
            "role",
            session.account_id,
            role=role_name(session.role_arn),
            via=via,
            function=function,
            arn=session.arn,
            access_key_id=session.access_key_id,
            expiration=session.expiration,
            session_name=session.session_name or "",
        )

    def of_credentials(self, access_key_id: str, secret: str, token: str | None) -> Who:
        """Return who a set of credentials signs as; "refused" when AWS would not accept them."""
        who = self.of_key(access_key_id)
        session = self.world.sessions.get(access_key_id)
        long_term = self.world.long_term_keys.get(access_key_id)
        if session is not None and (session.secret != secret or session.token != (token or "")):
            return Who("refused", who.account_id, access_key_id=access_key_id, arn=who.arn)
        if long_term is not None and long_term[2].secret != secret:
            return Who("refused", who.account_id, access_key_id=access_key_id, arn=who.arn)
        return who

    def of_event(self, event: Event) -> Who:
        """Return who made a logged call (an expired or unknown key still names its holder)."""
        if event.caller.credential_type == "service":
            return Who("service", service=event.caller.principal_arn or "")
        return self.of_key(event.caller.access_key_id)


def acting_as(console: Console) -> Who | None:
    """Return who the console's next `aws` command would sign as, without calling the world.

    Follows the CLI's order of `iamlab.world.cli.credentials`: exported keys, then the
    selected profile (a role profile, a web identity login, static keys, a user's profile).
    None when the next command would find no credentials.
    """
    state = console.state
    world = console.world
    identities = Identities(world)
    env = state.environment()
    if env.get("AWS_ACCESS_KEY_ID") and env.get("AWS_SECRET_ACCESS_KEY"):
        return identities.of_credentials(
            env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"], env.get("AWS_SESSION_TOKEN")
        )
    profile, _chosen_by = selected_profile(state, env, None)
    settings = state.config.get(profile, {})
    if settings.get("role_arn") and settings.get("source_profile"):
        cached = state.role_cache.get(profile)
        if cached is not None and cached.expiration > world.now():
            return identities.of_key(cached.credentials.access_key_id)
        account_id = (
            settings["role_arn"].split(":")[4] if settings["role_arn"].count(":") >= 5 else ""
        )
        return Who("role", account_id, role=role_name(settings["role_arn"]), via="assume-role")
    web_identity = web_identity_settings(settings, env, True)
    if web_identity is not None:
        arn = web_identity["role_arn"]
        account_id = arn.split(":")[4] if arn.count(":") >= 5 else ""
        return Who("role", account_id, role=role_name(arn), via="web-identity")
    if settings.get("aws_access_key_id") and settings.get("aws_secret_access_key"):
        return identities.of_credentials(
            settings["aws_access_key_id"],
            settings["aws_secret_access_key"],
            settings.get("aws_session_token"),
        )
    credentials = user_profiles(world).get(profile)
    if credentials is not None:
        return identities.of_key(credentials.access_key_id)
    return None
