"""The World: a small AWS cloud with a clock, an event log, and API calls."""

from __future__ import annotations

import json
from typing import Any

from iamlab.engine import simulate as engine_simulate
from iamlab.world.authz import request_context, simulation_document
from iamlab.world.callers import ANONYMOUS, Caller, resolve_caller
from iamlab.world.credentials import Credentials
from iamlab.world.dump import dump_spec
from iamlab.world.entities import Document, Role, Session
from iamlab.world.errors import AwsError, Problem, WorldSpecError
from iamlab.world.events import Event, EventCaller
from iamlab.world.operations import find_operation
from iamlab.world.request import Request

# The service modules register their operations (the @operation decorator) when imported.
from iamlab.world.services import awslambda, iam, s3, sts  # noqa: F401
from iamlab.world.spec import read_spec
from iamlab.world.state import MAX_EVENTS, WorldState

MAX_PARAM_TEXT = 1_100_000  # room for a 1 MiB object body, nothing more


class World(WorldState):
    """A simulated AWS cloud built from a world spec (see docs/world.md)."""

    # -- building --------------------------------------------------------------------

    @classmethod
    def from_spec(cls, spec: dict[str, Any]) -> World:
        """Build a world from a spec; raise WorldSpecError listing every problem."""
        return cls(read_spec(_plain_json_copy(spec)))

    def to_spec(self) -> dict[str, Any]:
        """Return a spec that builds this world as it is now (not its sessions or log)."""
        return dump_spec(self)

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
            request = Request(self, service, operation, params, caller, event, self.call)
            response = spec.handler(request)
        except AwsError as error:
            event.error = error.as_dict()
            _summarize(event)
            raise
        _summarize(event)
        return response

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
