"""What a world holds, and how to find things in it: accounts, resources, sessions, a clock.

`World` (world.py) adds the calls and the what-if questions on top. Everything below it
(callers, authorization, the services, the spec reader) works with a `WorldState`, so
imports inside the world point one way.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from iamlab.engine import PolicyType, PrincipalEntry, statement_principals
from iamlab.world import federation, ids
from iamlab.world.clock import Clock
from iamlab.world.credentials import Credentials
from iamlab.world.entities import (
    AccessKey,
    Account,
    Bucket,
    Document,
    Group,
    IdentityProvider,
    ManagedPolicy,
    MfaDevice,
    OrganizationLevel,
    Role,
    Session,
    User,
)
from iamlab.world.events import Event, EventCaller

MAX_EVENTS = 100_000


@dataclass
class WorldContents:
    """What a spec describes, before the world adds a clock and sessions."""

    seed: str
    region: str
    source_ip: str
    start_time: datetime
    accounts: dict[str, Account]
    buckets: dict[str, Bucket]
    aws_policies: dict[str, ManagedPolicy]
    mfa_devices: dict[str, MfaDevice] = field(default_factory=dict)


class WorldState:
    """The contents of a world as they are now, its clock and its log, with lookups."""

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

    def identity_policy_documents(self, entity: User | Role) -> list[Document]:
        """Return the identity-based policies of a user (its groups' too) or of a role."""
        documents = self.attached_documents(entity)
        if isinstance(entity, User):
            account = self.accounts[entity.account_id]
            for group_name in entity.group_names:
                group = account.groups.get(group_name.lower())
                if group is not None:
                    documents.extend(self.attached_documents(group))
        return documents

    def boundary_document(self, entity: User | Role) -> Document | None:
        """Return the permissions boundary of a user or role, if it has one."""
        if entity.permission_boundary_arn is None:
            return None
        policy = self.find_policy(entity.permission_boundary_arn)
        return policy.document if policy is not None else None

    def attached_documents(self, entity: User | Role | Group) -> list[Document]:
        """Return an entity's inline and attached managed policy documents."""
        documents = [policy.document for policy in entity.inline_policies]
        for arn in entity.managed_policy_arns:
            policy = self.find_policy(arn)
            if policy is not None:
                documents.append(policy.document)
        return documents

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

    # -- principals named in policies ---------------------------------------------------

    def invalid_principals(
        self, document: Document, policy_type: PolicyType
    ) -> list[tuple[str, str, str]]:
        """Return (JSON path, AWS's message, what is missing) for each principal not in the world.

        AWS refuses a trust or bucket policy that names a principal that does not exist
        ("Invalid principal in policy"). Account ids, root ARNs and service principals are
        not checked: AWS accepts any existing account and any service, and the world cannot
        see beyond itself. For the same reason a user, role or role session of an account
        the world does not model is taken as a principal that exists there; only the world's
        own accounts are checked. The engine reads the Principal elements.
        """
        problems: list[tuple[str, str, str]] = []
        for statement in statement_principals(document, policy_type) or []:
            for entry in statement.entries:
                if entry.key in ("AWS", "Federated") and not self._principal_exists(entry):
                    missing = _ENTITY_WORDS.get(entry.provider or entry.kind, "principal")
                    problems.append(
                        (
                            f"{statement.path}.{statement.element}",
                            f"Invalid principal in policy: {json.dumps(entry.key)}:"
                            f"{json.dumps(entry.value)}",
                            f"no such {missing} in the world",
                        )
                    )
        return problems

    def _principal_exists(self, entry: PrincipalEntry) -> bool:
        if entry.kind == "federated":
            if entry.provider == "web":
                return True  # a web identity provider named by its domain
            return entry.provider is not None and self.find_provider(entry.value) is not None
        if entry.kind not in ("user", "role", "session"):
            return True  # everyone, an account, a federated user: nothing the world must hold
        account = self.accounts.get(entry.account or "")
        if account is None:
            return True
        if entry.kind == "session":
            role = account.roles.get((entry.role_name or "").lower())
            return role is not None and role.name == entry.role_name
        if entry.kind == "user":
            return self.find_user(entry.value) is not None
        role = self.find_role(entry.value)
        return role is not None and role.arn == entry.value


# What a missing principal is, in the world's messages.
_ENTITY_WORDS = {
    "user": "user",
    "role": "role",
    "session": "role",
    "oidc": "OIDC provider",
    "saml": "SAML provider",
}


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
