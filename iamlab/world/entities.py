"""The things a world holds: accounts, identities, policies, providers, resources, sessions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

Document = dict[str, Any]


@dataclass
class PolicyVersion:
    """One version of a managed policy."""

    version_id: str
    document: Document
    created: datetime


@dataclass
class ManagedPolicy:
    """A customer-managed policy, or an AWS managed policy when `account_id` is "aws"."""

    account_id: str
    name: str
    policy_id: str
    path: str
    description: str
    versions: list[PolicyVersion]
    default_version_id: str
    created: datetime
    updated: datetime

    @property
    def arn(self) -> str:
        return f"arn:aws:iam::{self.account_id}:policy{self.path}{self.name}"

    @property
    def is_aws_managed(self) -> bool:
        return self.account_id == "aws"

    @property
    def document(self) -> Document:
        return self.version(self.default_version_id).document  # type: ignore[union-attr]

    def version(self, version_id: str) -> PolicyVersion | None:
        for version in self.versions:
            if version.version_id == version_id:
                return version
        return None


@dataclass
class InlinePolicy:
    """A policy embedded in one user, group or role."""

    name: str
    document: Document


@dataclass
class AccessKey:
    """A long-term access key of an IAM user or of the account root user."""

    access_key_id: str
    secret: str
    status: Literal["Active", "Inactive"]
    created: datetime


@dataclass
class MfaDevice:
    """A virtual MFA device; its codes derive from `secret` and the world's clock."""

    account_id: str
    name: str
    secret: bytes

    @property
    def serial_number(self) -> str:
        return f"arn:aws:iam::{self.account_id}:mfa/{self.name}"


@dataclass
class User:
    """An IAM user."""

    account_id: str
    name: str
    user_id: str
    path: str
    tags: dict[str, str]
    group_names: list[str]
    managed_policy_arns: list[str]
    inline_policies: list[InlinePolicy]
    permission_boundary_arn: str | None
    access_keys: list[AccessKey]
    has_password: bool
    mfa_device: MfaDevice | None
    created: datetime

    @property
    def arn(self) -> str:
        return f"arn:aws:iam::{self.account_id}:user{self.path}{self.name}"


@dataclass
class Group:
    """An IAM group."""

    account_id: str
    name: str
    group_id: str
    path: str
    managed_policy_arns: list[str]
    inline_policies: list[InlinePolicy]
    created: datetime

    @property
    def arn(self) -> str:
        return f"arn:aws:iam::{self.account_id}:group{self.path}{self.name}"


@dataclass
class Role:
    """An IAM role."""

    account_id: str
    name: str
    role_id: str
    path: str
    description: str
    trust_policy: Document
    managed_policy_arns: list[str]
    inline_policies: list[InlinePolicy]
    permission_boundary_arn: str | None
    max_session_duration: int
    tags: dict[str, str]
    created: datetime

    @property
    def arn(self) -> str:
        return f"arn:aws:iam::{self.account_id}:role{self.path}{self.name}"


@dataclass
class IdentityProvider:
    """An OIDC or SAML identity provider registered in an account."""

    account_id: str
    type: Literal["oidc", "saml"]
    # For OIDC: the URL without "https://" (also the condition-key prefix); for SAML: the name.
    name: str
    client_ids: list[str] = field(default_factory=list)
    thumbprints: list[str] = field(default_factory=list)
    issuer: str = ""
    created: datetime | None = None

    @property
    def arn(self) -> str:
        kind = "oidc-provider" if self.type == "oidc" else "saml-provider"
        return f"arn:aws:iam::{self.account_id}:{kind}/{self.name}"

    @property
    def url(self) -> str:
        return f"https://{self.name}" if self.type == "oidc" else ""


@dataclass
class S3Object:
    """An object in a bucket; the body is text."""

    key: str
    body: str
    last_modified: datetime


@dataclass
class Bucket:
    """An S3 bucket, owned by one account."""

    account_id: str
    name: str
    policy: Document | None
    objects: dict[str, S3Object]
    created: datetime

    @property
    def arn(self) -> str:
        return f"arn:aws:s3:::{self.name}"


@dataclass
class LambdaCall:
    """One call a Lambda function makes when invoked."""

    service: str
    operation: str
    params: dict[str, Any]


@dataclass
class LambdaFunction:
    """A Lambda function and the execution role it runs as."""

    account_id: str
    region: str
    name: str
    role_arn: str
    runtime: str
    handler: str
    description: str
    calls: list[LambdaCall]
    last_modified: datetime
    revision: int = 1

    @property
    def arn(self) -> str:
        return f"arn:aws:lambda:{self.region}:{self.account_id}:function:{self.name}"


@dataclass
class OrganizationLevel:
    """One level (root, OU or the account itself) with the SCPs and RCPs attached there."""

    level_id: str
    scps: list[InlinePolicy]
    rcps: list[InlinePolicy]


@dataclass
class Organization:
    """An account's membership of an AWS Organization."""

    org_id: str
    management_account: bool
    levels: list[OrganizationLevel]


@dataclass
class Account:
    """An AWS account and everything in it."""

    account_id: str
    alias: str | None
    organization: Organization | None
    root_access_keys: list[AccessKey] = field(default_factory=list)
    users: dict[str, User] = field(default_factory=dict)  # keyed by lower-case name
    groups: dict[str, Group] = field(default_factory=dict)
    roles: dict[str, Role] = field(default_factory=dict)
    policies: dict[str, ManagedPolicy] = field(default_factory=dict)
    identity_providers: dict[str, IdentityProvider] = field(default_factory=dict)  # by ARN
    lambda_functions: dict[str, LambdaFunction] = field(default_factory=dict)

    @property
    def root_arn(self) -> str:
        return f"arn:aws:iam::{self.account_id}:root"


CredentialType = Literal["long-term", "temporary", "service", "anonymous"]
SessionKind = Literal["assumed-role", "session-token", "federation-token"]


@dataclass
class Session:
    """Temporary security credentials issued by STS, and who they stand for."""

    kind: SessionKind
    account_id: str
    access_key_id: str
    secret: str
    token: str
    issued: datetime
    expiration: datetime
    # assumed-role: the role and session name; federation-token: the federated user's name.
    role_arn: str | None = None
    session_name: str | None = None
    # session-token and federation-token: the IAM user (or root) who asked for them.
    user_arn: str | None = None
    session_policies: list[Document] = field(default_factory=list)
    session_tags: dict[str, str] = field(default_factory=dict)
    transitive_tag_keys: list[str] = field(default_factory=list)
    source_identity: str | None = None
    mfa_authenticated_at: datetime | None = None
    chained: bool = False
    # For sessions from AssumeRoleWithWebIdentity / AssumeRoleWithSAML: the provider's ARN,
    # kept for aws:FederatedProvider on later requests.
    federated_provider: str | None = None

    @property
    def arn(self) -> str:
        if self.kind == "assumed-role":
            role_name = self.role_arn.rsplit("/", 1)[1]  # type: ignore[union-attr]
            return f"arn:aws:sts::{self.account_id}:assumed-role/{role_name}/{self.session_name}"
        if self.kind == "federation-token":
            return f"arn:aws:sts::{self.account_id}:federated-user/{self.session_name}"
        return self.user_arn  # type: ignore[return-value]
