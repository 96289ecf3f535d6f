"""The scenarios app's models: scenario content, and learner workspaces over it."""

from __future__ import annotations

from iamlab.scenarios.choices import AccessKeyStatus, Difficulty, InlinePolicyOwner, ProviderType
from iamlab.scenarios.models.content import (
    CONTENT_MODELS,
    AccessKey,
    Account,
    Bucket,
    Group,
    IdentityProvider,
    InlinePolicy,
    LambdaFunction,
    ManagedPolicy,
    MfaDevice,
    Role,
    S3Object,
    Scenario,
    TrustedPrincipal,
    User,
    scenario_content,
)
from iamlab.scenarios.models.workspaces import (
    MAX_ENTRIES,
    MAX_LINE_LENGTH,
    Workspace,
    WorkspaceEntry,
    WorkspaceError,
)

__all__ = [
    "CONTENT_MODELS",
    "MAX_ENTRIES",
    "MAX_LINE_LENGTH",
    "AccessKey",
    "AccessKeyStatus",
    "Account",
    "Bucket",
    "Difficulty",
    "Group",
    "IdentityProvider",
    "InlinePolicy",
    "InlinePolicyOwner",
    "LambdaFunction",
    "ManagedPolicy",
    "MfaDevice",
    "ProviderType",
    "Role",
    "S3Object",
    "Scenario",
    "TrustedPrincipal",
    "User",
    "Workspace",
    "WorkspaceEntry",
    "WorkspaceError",
    "scenario_content",
]
