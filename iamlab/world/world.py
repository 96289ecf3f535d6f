"""The World: a small AWS cloud with a clock, an event log, and API calls."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from iamlab.engine import simulate as engine_simulate
from iamlab.world import federation, ids
from iamlab.world.authz import (
    Context,
    access_denied_message,
    authorize,
    request_context,
    simulation_document,
)
from iamlab.world.callers import ANONYMOUS, Caller, resolve_caller
from iamlab.world.clock import Clock
from iamlab.world.credentials import Credentials
from iamlab.world.errors import AwsError, Problem, WorldSpecError
from iamlab.world.events import Check, Event, EventCaller
from iamlab.world.model import (
    AccessKey,
    Account,
    Bucket,
    Document,
    IdentityProvider,
    ManagedPolicy,
    MfaDevice,
    OrganizationLevel,
    Role,
    Session,
    User,
)
from iamlab.world.spec import WorldContents, read_spec

MAX_EVENTS = 100_000
MAX_PARAM_TEXT = 1_100_000  # room for a 1 MiB object body, nothing more


@dataclass
class Request:
    """One call in progress: who asks, what, and the checks made so far."""

    world: World
    service: str
    operation: str
    params: dict[str, Any]
    caller: Caller
    event: Event

    def authorize(
        self,
        action: str,
        resource: str,
        *,
        resource_account: str | None,
        resource_policy: Document | None = None,
        context: Context | None = None,
        extra_context: Context | None = None,
    ) -> Check:
        """Ask the engine, record the check on the event, and return it."""
        if context is None:
            context = request_context(self.world, self.caller)
        if extra_context:
            context = {**context, **extra_context}
        check = authorize(
            self.world,
            self.caller,
            action,
            resource,
            resource_account=resource_account,
            resource_policy=resource_policy,
            context=context,
        )
        self.event.checks.append(check)
        return check

    def require(
        self,
        check: Check,
        *,
        legacy: bool = False,
        code: str = "AccessDenied",
        message: str | None = None,
    ) -> None:
        """Raise AccessDenied (in the service's wording) unless the check allowed."""
        if check.decision == "Allowed":
            return
        raise AwsError(
            code, message or access_denied_message(self.caller, check, legacy=legacy), 403
        )


class World:
    """A simulated AWS cloud built from a world spec (see docs/world.md)."""

    def __init__(self, contents: WorldContents) -> None:
        self.seed = contents.seed
        self.region = contents.region
        self.source_ip = contents.source_ip
        self.start_time = contents.start_time
        self.clock = Clock(contents.start_time)
        self.accounts: dict[str, Account] = contents.accounts
        self.buckets: dict[str, Bucket] = contents.buckets
        self.aws_policies: dict[str, ManagedPolicy] = contents.aws_policies
        self.mfa_devices: dict[str, MfaDevice] = contents.mfa_devices
        self.sessions: dict[str, Session] = {}
        self.events: list[Event] = []
        self.long_term_keys: dict[str, tuple[Account, User | None, AccessKey]] = {}
        self._issued = 0
        for account in self.accounts.values():
            for key in account.root_access_keys:
                self.long_term_keys[key.access_key_id] = (account, None, key)
            for user in account.users.values():
                for key in user.access_keys:
                    self.long_term_keys[key.access_key_id] = (account, user, key)

    # -- building --------------------------------------------------------------------

    @classmethod
    def from_spec(cls, spec: dict[str, Any]) -> World:
        """Build a world from a spec; raise WorldSpecError listing every problem."""
        return cls(read_spec(_plain_json_copy(spec)))

    def to_spec(self) -> dict[str, Any]:
        """Return a spec that builds this world as it is now (not its sessions or log)."""
        from iamlab.world.dump import dump_spec

        return dump_spec(self)

    # -- time ------------------------------------------------------------------------

    def now(self) -> datetime:
        """Return the world's current (simulated) time."""
        return self.clock.now()

    def advance(self, seconds: int) -> None:
        """Move the world's clock forward."""
        self.clock.advance(seconds)

    # -- lookups ---------------------------------------------------------------------

    def find_user(self, arn: str) -> User | None:
        """Return the user with this ARN, if any."""
        account_id, name = _split_iam_arn(arn, "user")
        account = self.accounts.get(account_id or "")
        user = account.users.get(name.lower()) if account and name else None
        return user if user is not None and user.arn == arn else None

    def find_role(self, arn: str) -> Role | None:
        """Return the role with this ARN (its path may be left out), if any."""
        account_id, name = _split_iam_arn(arn, "role")
        account = self.accounts.get(account_id or "")
        role = account.roles.get(name.lower()) if account and name else None
        if role is None:
            return None
        if role.arn == arn or arn == f"arn:aws:iam::{role.account_id}:role/{role.name}":
            return role
        return None

    def find_policy(self, arn: str) -> ManagedPolicy | None:
        """Return the managed policy with this ARN, customer-managed or AWS managed."""
        if arn in self.aws_policies:
            return self.aws_policies[arn]
        account_id, name = _split_iam_arn(arn, "policy")
        account = self.accounts.get(account_id or "")
        policy = account.policies.get(name.lower()) if account and name else None
        return policy if policy is not None and policy.arn == arn else None

    def find_provider(self, arn: str) -> IdentityProvider | None:
        """Return the OIDC or SAML provider with this ARN, if any."""
        parts = arn.split(":", 5)
        if len(parts) != 6:
            return None
        account = self.accounts.get(parts[4])
        return account.identity_providers.get(arn) if account else None

    def _organization_levels(self, account_id: str | None) -> list[OrganizationLevel]:
        """Return the organization levels whose SCPs and RCPs apply to an account."""
        account = self.accounts.get(account_id or "")
        if account is None or account.organization is None:
            return []
        # Neither SCPs nor RCPs limit the management account.
        if account.organization.management_account:
            return []
        return account.organization.levels

    def scps_for(self, account_id: str | None) -> list[list[Document]]:
        """Return the SCPs that limit principals of an account, one list per level."""
        return [[p.document for p in level.scps] for level in self._organization_levels(account_id)]

    def rcps_for(self, account_id: str | None) -> list[list[Document]]:
        """Return the RCPs that limit resources of an account, one list per level."""
        levels = [
            [p.document for p in level.rcps] for level in self._organization_levels(account_id)
        ]
        # RCPFullAWSAccess is implied at every level, so a level with no extra RCP allows
        # everything and can be left out (the engine wants no empty level).
        return [level for level in levels if level]

    def credentials_for_user(self, account_id: str, user_name: str) -> Credentials:
        """Return the first active long-term access key of a user, as credentials."""
        account = self.accounts.get(account_id)
        user = account.users.get(user_name.lower()) if account else None
        if user is None:
            raise KeyError(f"No user named {user_name!r} in account {account_id}")
        for key in user.access_keys:
            if key.status == "Active":
                return Credentials(key.access_key_id, key.secret)
        raise KeyError(f"The user {user_name!r} has no active access key")

    # -- lab-only identity helpers ------------------------------------------------------

    def mfa_code(self, serial_number: str) -> str:
        """Return the code a virtual MFA device shows now (a lab helper; AWS has none)."""
        device = self.mfa_devices.get(serial_number)
        if device is None:
            raise KeyError(f"No MFA device with serial number {serial_number!r}")
        return federation.mfa_code(device.secret, self.now())

    def provider_key(self, provider: IdentityProvider) -> bytes:
        """Return the key this world's provider signs its tokens and assertions with."""
        return ids.secret_bytes(self.seed, "identity-provider", provider.arn)

    def mint_web_identity_token(
        self,
        provider_arn: str,
        subject: str,
        *,
        audience: str | None = None,
        lifetime_seconds: int = 3600,
        claims: dict[str, Any] | None = None,
    ) -> str:
        """Return an OIDC ID token the provider issues now for `subject` (a lab helper)."""
        provider = self.find_provider(provider_arn)
        if provider is None or provider.type != "oidc":
            raise KeyError(f"No OIDC provider {provider_arn!r}")
        issued = int(self.now().timestamp())
        payload = {
            "iss": provider.url,
            "sub": subject,
            "aud": audience if audience is not None else provider.client_ids[0],
            "iat": issued,
            "exp": issued + lifetime_seconds,
            **(claims or {}),
        }
        return federation.mint_jwt(self.provider_key(provider), payload)

    def mint_saml_assertion(
        self,
        provider_arn: str,
        subject: str,
        role_arns: list[str],
        *,
        session_name: str | None = None,
        subject_type: str = "persistent",
        recipient: str = "https://signin.aws.amazon.com/saml",
        audience: str = "urn:amazon:webservices",
        lifetime_seconds: int = 300,
        attributes: dict[str, list[str]] | None = None,
    ) -> str:
        """Return a base64 SAML response the provider issues now (a lab helper)."""
        provider = self.find_provider(provider_arn)
        if provider is None or provider.type != "saml":
            raise KeyError(f"No SAML provider {provider_arn!r}")
        all_attributes = {
            "https://aws.amazon.com/SAML/Attributes/Role": [
                f"{role_arn},{provider.arn}" for role_arn in role_arns
            ],
            "https://aws.amazon.com/SAML/Attributes/RoleSessionName": [session_name or subject],
            **(attributes or {}),
        }
        not_after = self.now() + timedelta(seconds=lifetime_seconds)
        assertion = {
            "Issuer": provider.issuer,
            "Subject": subject,
            "SubjectType": subject_type,
            "Recipient": recipient,
            "Audience": audience,
            "IssueInstant": int(self.now().timestamp()),
            "NotOnOrAfter": int(not_after.timestamp()),
            "Attributes": all_attributes,
        }
        return federation.mint_saml(self.provider_key(provider), assertion)

    # -- sessions --------------------------------------------------------------------

    def issue_session(self, duration_seconds: int, **fields: Any) -> Session:
        """Create temporary credentials that expire on the world's clock."""
        self._issued += 1
        counter = str(self._issued)
        key_id = ids.access_key_id("ASIA", self.seed, "session", counter)
        session = Session(
            access_key_id=key_id,
            secret=ids.secret_access_key(self.seed, "session", counter),
            token=ids.session_token(self.seed, "session", counter),
            issued=self.now(),
            expiration=self.now() + timedelta(seconds=duration_seconds),
            **fields,
        )
        self.sessions[key_id] = session
        return session

    # -- calls -----------------------------------------------------------------------

    def call(
        self,
        credentials: Credentials | None,
        service: str,
        operation: str,
        params: dict[str, Any] | None = None,
        *,
        _parent_seq: int | None = None,
    ) -> dict[str, Any]:
        """Make an AWS API call; return the response or raise AwsError."""
        from iamlab.world.operations import find_operation

        if params is None:
            params = {}
        event = Event(
            seq=len(self.events) + 1,
            time=self.now(),
            caller=EventCaller(
                principal_arn=None,
                access_key_id=credentials.access_key_id
                if isinstance(credentials, Credentials)
                else None,
                credential_type=_presented_type(credentials),
            ),
            service=str(service)[:64],
            operation=str(operation)[:128],
            params=_loggable(params),
            parent_seq=_parent_seq,
        )
        if len(self.events) < MAX_EVENTS:
            self.events.append(event)
        try:
            spec = find_operation(service, operation)
            _check_params(params, spec.params)
            # Unsigned operations (AssumeRoleWithWebIdentity, AssumeRoleWithSAML) ignore any
            # credentials: the token or assertion is the proof of identity.
            caller = (
                resolve_caller(self, credentials, service, signed=True)
                if spec.signed
                else ANONYMOUS
            )
            event.caller = caller.event_caller()
            request = Request(self, service, operation, params, caller, event)
            response = spec.handler(request)
        except AwsError as error:
            event.error = error.as_dict()
            _summarize(event)
            raise
        _summarize(event)
        return response

    def record_service_event(
        self, service_principal: str, operation: str, params: dict[str, Any], parent_seq: int
    ) -> Event:
        """Append an event for a call an AWS service makes on its own (Lambda's AssumeRole)."""
        event = Event(
            seq=len(self.events) + 1,
            time=self.now(),
            caller=EventCaller(service_principal, None, "service"),
            service="sts",
            operation=operation,
            params=params,
            parent_seq=parent_seq,
        )
        if len(self.events) < MAX_EVENTS:
            self.events.append(event)
        return event

    # -- what-if ---------------------------------------------------------------------

    def simulate(
        self,
        principal_arn: str,
        action: str,
        resource: str,
        context: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Ask the engine a what-if question about a principal of the world; log nothing.

        `principal_arn` may be a user, a role or a session of a role (both asked as a
        session of that role, with the role's policies, whether or not the world issued a
        session of that name), the root user of an account, or a service principal. The
        resource policy is found from the resource: a role's trust policy for sts:AssumeRole*,
        a bucket's policy for S3. A role, or a role session, whose role is not in the world
        gets `{"error": {"code": "NoSuchEntity", "path": "principal", "message": ...}}`.
        """
        missing = self._missing_role(principal_arn)
        if missing is not None:
            return {"error": {"code": "NoSuchEntity", "path": "principal", "message": missing}}
        caller = self._what_if_caller(principal_arn)
        base = request_context(self, caller)
        if context:
            base.update(context)
        resource_account, resource_policy = self._resource_owner(action, resource)
        tagged = self.find_user(resource) or self.find_role(resource)
        if tagged is not None:
            for key, value in tagged.tags.items():
                base.setdefault(f"aws:ResourceTag/{key}", value)
        document = simulation_document(
            self,
            caller,
            action,
            resource,
            resource_account=resource_account,
            resource_policy=resource_policy,
            context=base,
        )
        return engine_simulate(document)

    def _session_role(self, principal_arn: str) -> tuple[Role | None, str, str, str] | None:
        """Split a role session ARN into (its role if in the world, account, role, session)."""
        parts = principal_arn.split(":", 5)
        if len(parts) != 6 or parts[:3] != ["arn", "aws", "sts"]:
            return None
        pieces = parts[5].split("/")
        if len(pieces) != 3 or pieces[0] != "assumed-role" or not all(pieces[1:]):
            return None
        account = self.accounts.get(parts[4])
        role = account.roles.get(pieces[1].lower()) if account is not None else None
        if role is not None and role.name != pieces[1]:
            role = None  # role names are matched exactly in ARNs
        return role, parts[4], pieces[1], pieces[2]

    def _missing_role(self, principal_arn: str) -> str | None:
        """Say why a role or role session ARN names no role of this world; None if it does."""
        session = self._session_role(principal_arn)
        if session is not None:
            role, account_id, name, _ = session
        elif principal_arn.startswith("arn:aws:iam::") and ":role/" in principal_arn:
            if self.find_role(principal_arn) is not None:
                return None
            role, account_id = None, principal_arn.split(":")[4]
            name = principal_arn.split(":role/", 1)[1].rsplit("/", 1)[-1]
        else:
            return None
        if role is not None:
            return None
        where = (
            f"account {account_id}"
            if account_id in self.accounts
            else f"account {account_id} (an account this world does not model)"
        )
        return (
            f"There is no role named {name} in {where}, so {principal_arn} is no principal "
            "of this world: ask about a role that exists, or one of its sessions."
        )

    def _what_if_caller(self, principal_arn: str) -> Caller:
        user = self.find_user(principal_arn)
        if user is not None:
            return Caller("user", user.account_id, user.arn, user=user)
        session_of = self._session_role(principal_arn)
        role = session_of[0] if session_of is not None else self.find_role(principal_arn)
        if role is not None:
            session_name = session_of[3] if session_of is not None else "what-if"
            session = Session(
                kind="assumed-role",
                account_id=role.account_id,
                access_key_id="",
                secret="",
                token="",
                issued=self.now(),
                expiration=self.now(),
                role_arn=role.arn,
                session_name=session_name,
            )
            return Caller("assumed-role", role.account_id, session.arn, role=role, session=session)
        for account in self.accounts.values():
            if principal_arn in (account.root_arn, account.account_id):
                return Caller("root", account.account_id, account.root_arn)
        if principal_arn.endswith(".amazonaws.com"):
            return Caller("service", None, principal_arn, service_principal=principal_arn)
        return Caller("anonymous", None, principal_arn if principal_arn != "*" else "anonymous")

    def _resource_owner(self, action: str, resource: str) -> tuple[str | None, Document | None]:
        if resource.startswith("arn:aws:iam::") and ":role/" in resource:
            role = self.find_role(resource)
            if role is None:
                return resource.split(":")[4], None
            trust_actions = ("sts:assumerole", "sts:tagsession", "sts:setsourceidentity")
            if action.lower().startswith(trust_actions):
                return role.account_id, role.trust_policy
            return role.account_id, None
        if resource.startswith("arn:aws:s3:::"):
            bucket = self.buckets.get(resource[len("arn:aws:s3:::") :].split("/", 1)[0])
            if bucket is not None:
                return bucket.account_id, bucket.policy
            return None, None
        parts = resource.split(":", 5)
        if len(parts) == 6 and parts[4]:
            return parts[4], None
        return None, None


def _plain_json_copy(spec: object) -> object:
    """Copy the spec (the world keeps no reference to the caller's objects); JSON only."""
    try:
        return json.loads(json.dumps(spec, allow_nan=False))
    except (TypeError, ValueError) as error:
        raise WorldSpecError(
            [
                Problem(
                    "", f"The spec must be plain JSON (objects, lists, strings, numbers): {error}."
                )
            ]
        ) from error
    except RecursionError as error:
        raise WorldSpecError([Problem("", "The spec is nested too deeply.")]) from error


def _split_iam_arn(arn: str, kind: str) -> tuple[str | None, str]:
    """Return (account id, name) from arn:aws:iam::ACCOUNT:KIND/PATH/NAME."""
    if not isinstance(arn, str):
        return None, ""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[:3] != ["arn", "aws", "iam"] or parts[3]:
        return None, ""
    resource = parts[5]
    if not resource.startswith(kind + "/"):
        return None, ""
    return parts[4], resource.rsplit("/", 1)[1]


def _check_params(params: object, allowed: tuple[str, ...]) -> None:
    if not isinstance(params, dict):
        raise AwsError("ValidationError", "The request parameters must be an object.", 400)
    for name in params:
        if name not in allowed:
            raise AwsError(
                "ValidationError",
                f'Unknown parameter in input: "{name}", must be one of: {", ".join(allowed)}',
                400,
            )
    try:
        size = len(json.dumps(params))
    except (TypeError, ValueError, RecursionError) as error:
        raise AwsError(
            "ValidationError",
            "The request parameters must be JSON values: text, numbers, booleans, lists and "
            "objects.",
            400,
        ) from error
    if size > MAX_PARAM_TEXT:
        raise AwsError("ValidationError", "The request is too large.", 400)


def _loggable(params: object) -> dict[str, Any]:
    """Copy the parameters for the log, shortening long text so the log stays small."""
    if not isinstance(params, dict):
        return {}
    logged: dict[str, Any] = {}
    for name, value in list(params.items())[:50]:
        if isinstance(value, str) and len(value) > 4096:
            value = value[:4096] + f"... ({len(value)} characters)"
        elif isinstance(value, (list, dict)):
            value = _json_copy_or_note(value)
        elif not isinstance(value, (str, int, float, bool, type(None))):
            value = "(not loggable)"
        logged[str(name)] = value
    return logged


def _json_copy_or_note(value: object) -> object:
    try:
        text = json.dumps(value, default=str)
    except (ValueError, RecursionError):
        return "(not loggable)"
    if len(text) > 16_384:
        return f"({len(text)} characters of JSON, not logged)"
    return json.loads(text)


def _presented_type(credentials: object) -> str:
    """Say what kind of credentials were presented, before knowing if they hold."""
    if credentials is None:
        return "anonymous"
    key_id = getattr(credentials, "access_key_id", "")
    return "temporary" if isinstance(key_id, str) and key_id.startswith("ASIA") else "long-term"


def _summarize(event: Event) -> None:
    """Set the event's action and decision from the check that decided the call."""
    if not event.checks:
        return
    deciding = next((c for c in event.checks if c.decision != "Allowed"), event.checks[0])
    event.action = deciding.action
    event.resource = deciding.resource
    event.decision = deciding.decision
    event.explanation = deciding.explanation
