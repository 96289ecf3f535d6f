"""The kinds of policy the engine knows, with AWS's wording and size limit for each."""

from __future__ import annotations

from enum import StrEnum


class PolicyType(StrEnum):
    """A policy type; the value is the name used in simulation documents and the world."""

    IDENTITY = "identity"
    RESOURCE = "resource"
    TRUST = "trust"
    PERMISSION_BOUNDARY = "permission_boundary"
    SESSION = "session"
    SCP = "scp"
    RCP = "rcp"
    ENDPOINT = "endpoint"


# The words AWS uses in AccessDenied messages and its documentation (IAM-FACTS 1.4).
AWS_WORDING: dict[PolicyType, str] = {
    PolicyType.IDENTITY: "identity-based policy",
    PolicyType.RESOURCE: "resource-based policy",
    PolicyType.TRUST: "role trust policy",
    PolicyType.PERMISSION_BOUNDARY: "permissions boundary",
    PolicyType.SESSION: "session policy",
    PolicyType.SCP: "service control policy",
    PolicyType.RCP: "resource control policy",
    PolicyType.ENDPOINT: "VPC endpoint policy",
}

# Maximum size in characters, white space not counted (IAM-FACTS 2.4). Where AWS has
# several limits for one type, the engine takes the largest a single document can reach,
# so that it never rejects a document AWS would accept; the world layer enforces the
# per-entity aggregate quotas (user 2,048, group 5,120, role 10,240 for inline policies).
#   identity: 10,240 (a role's inline policy; managed policies stop at 6,144)
#   permission boundary: 6,144 (a boundary is always a managed policy)
#   trust: 2,048 (the default quota; AWS can raise it to 4,096 on request)
#   session: 2,048 (inline plus managed plaintext, STS documentation)
#   SCP and RCP: 5,120 (AWS Organizations quota)
#   resource-based and VPC endpoint: 20,480 (S3 bucket policy and endpoint policy limit)
SIZE_LIMITS: dict[PolicyType, int] = {
    PolicyType.IDENTITY: 10_240,
    PolicyType.RESOURCE: 20_480,
    PolicyType.TRUST: 2_048,
    PolicyType.PERMISSION_BOUNDARY: 6_144,
    PolicyType.SESSION: 2_048,
    PolicyType.SCP: 5_120,
    PolicyType.RCP: 5_120,
    PolicyType.ENDPOINT: 20_480,
}

# Policy types stored by IAM itself, whose Sid is limited to ASCII letters and digits and
# must be unique; other services (S3, VPC, Organizations) accept any Sid string.
IAM_STORED_TYPES = frozenset(
    {PolicyType.IDENTITY, PolicyType.TRUST, PolicyType.PERMISSION_BOUNDARY, PolicyType.SESSION}
)
