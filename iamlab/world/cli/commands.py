"""The command table: which `aws SERVICE OPERATION` commands exist and the parameters each takes.

Parameter names, types, required flags and minimum lengths follow the AWS API models (the
ones the real CLI is generated from), so that `--role-session-name` maps to
`RoleSessionName`, is required, and is checked for a minimum length of 2 before the
request is sent, as the real CLI does.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cache
from typing import Literal

ParamKind = Literal[
    "string",  # one value
    "integer",
    "boolean",  # --flag / --no-flag
    "string_list",  # values separated by spaces (or a JSON list)
    "structure_list",  # shorthand `Key=a,Value=b` values, or JSON
    "structure",  # one shorthand or JSON structure
    "blob",  # base64 text unless --cli-binary-format raw-in-base64-out
    "streaming_blob",  # a file name whose content is sent (s3api put-object --body)
]


@dataclass(frozen=True)
class Param:
    """One request parameter of an operation."""

    name: str
    kind: ParamKind = "string"
    required: bool = False
    # Minimum length (strings, lists) or minimum value (integers), checked before sending.
    min: int | None = None
    # For structures: the member names, and which of them are required.
    members: tuple[str, ...] = ()
    required_members: tuple[str, ...] = ()

    @property
    def cli_name(self) -> str:
        return "--" + kebab(self.name)


@dataclass(frozen=True)
class Operation:
    """One API operation as the CLI exposes it."""

    service: str  # the world's service name: sts, iam, s3, lambda
    name: str  # the API's PascalCase name
    params: tuple[Param, ...] = ()
    # Operations STS serves without signing (web identity and SAML) need no credentials.
    unsigned: bool = False
    # get-object and invoke take a positional file name for the response body.
    outfile: Literal["Body", "Payload"] | None = None
    needs_region: bool = False

    @property
    def cli_name(self) -> str:
        return kebab(self.name)

    def param_by_cli_name(self) -> dict[str, Param]:
        return {param.cli_name: param for param in self.params}


@dataclass(frozen=True)
class Service:
    """One `aws SERVICE` command and its operations."""

    cli_name: str
    operations: dict[str, Operation] = field(default_factory=dict)


def kebab(name: str) -> str:
    """Turn an API name into the CLI's name: `AssumeRoleWithSAML` -> `assume-role-with-saml`."""
    out: list[str] = []
    for index, char in enumerate(name):
        if char.isupper() and index > 0:
            previous = name[index - 1]
            following = name[index + 1] if index + 1 < len(name) else ""
            if (
                previous.islower()
                or previous.isdigit()
                or (previous.isupper() and following.islower())
            ):
                out.append("-")
        out.append(char.lower())
    return "".join(out)


def _s(name: str, required: bool = False, min: int | None = None) -> Param:
    return Param(name, "string", required, min)


def _i(name: str, min: int | None = None) -> Param:
    return Param(name, "integer", False, min)


TAGS = Param("Tags", "structure_list", members=("Key", "Value"), required_members=("Key", "Value"))
POLICY_ARNS = Param("PolicyArns", "structure_list", members=("arn",))
ROLE_ARN = _s("RoleArn", True, 20)
ROLE_NAME = _s("RoleName", True, 1)
USER_NAME = _s("UserName", True, 1)
GROUP_NAME = _s("GroupName", True, 1)
POLICY_ARN = _s("PolicyArn", True, 20)
POLICY_NAME = _s("PolicyName", True, 1)
POLICY_DOCUMENT = _s("PolicyDocument", True, 1)
PATH_PREFIX = _s("PathPrefix", min=1)
BUCKET = _s("Bucket", True)
KEY = _s("Key", True, 1)
FUNCTION_NAME = _s("FunctionName", True, 1)


def _ops(service: str, *operations: tuple[str, tuple[Param, ...]]) -> dict[str, Operation]:
    # Lambda is a regional service: like the CLI, its commands need a region.
    table: dict[str, Operation] = {}
    for name, params in operations:
        operation = Operation(service, name, params, needs_region=service == "lambda")
        table[operation.cli_name] = operation
    return table


STS = _ops(
    "sts",
    (
        "AssumeRole",
        (
            ROLE_ARN,
            _s("RoleSessionName", True, 2),
            POLICY_ARNS,
            _s("Policy", min=1),
            _i("DurationSeconds", 900),
            TAGS,
            Param("TransitiveTagKeys", "string_list"),
            _s("ExternalId", min=2),
            _s("SerialNumber", min=9),
            _s("TokenCode", min=6),
            _s("SourceIdentity", min=2),
        ),
    ),
    (
        "GetSessionToken",
        (_i("DurationSeconds", 900), _s("SerialNumber", min=9), _s("TokenCode", min=6)),
    ),
    (
        "GetFederationToken",
        (_s("Name", True, 2), _s("Policy", min=1), POLICY_ARNS, _i("DurationSeconds", 900), TAGS),
    ),
    ("GetCallerIdentity", ()),
)
STS["assume-role-with-web-identity"] = Operation(
    "sts",
    "AssumeRoleWithWebIdentity",
    (
        ROLE_ARN,
        _s("RoleSessionName", True, 2),
        _s("WebIdentityToken", True, 4),
        _s("ProviderId", min=4),
        POLICY_ARNS,
        _s("Policy", min=1),
        _i("DurationSeconds", 900),
    ),
    unsigned=True,
)
STS["assume-role-with-saml"] = Operation(
    "sts",
    "AssumeRoleWithSAML",
    (
        ROLE_ARN,
        _s("PrincipalArn", True, 20),
        _s("SAMLAssertion", True, 4),
        POLICY_ARNS,
        _s("Policy", min=1),
        _i("DurationSeconds", 900),
    ),
    unsigned=True,
)

IAM = _ops(
    "iam",
    ("GetUser", (_s("UserName", min=1),)),
    ("ListUsers", (PATH_PREFIX,)),
    ("GetRole", (ROLE_NAME,)),
    ("ListRoles", (PATH_PREFIX,)),
    ("GetGroup", (GROUP_NAME,)),
    ("ListGroups", (PATH_PREFIX,)),
    ("ListGroupsForUser", (USER_NAME,)),
    ("GetPolicy", (POLICY_ARN,)),
    ("GetPolicyVersion", (POLICY_ARN, _s("VersionId", True))),
    ("ListPolicyVersions", (POLICY_ARN,)),
    (
        "ListPolicies",
        (_s("Scope"), Param("OnlyAttached", "boolean"), PATH_PREFIX, _s("PolicyUsageFilter")),
    ),
    ("ListAttachedRolePolicies", (ROLE_NAME, PATH_PREFIX)),
    ("ListAttachedUserPolicies", (USER_NAME, PATH_PREFIX)),
    ("ListAttachedGroupPolicies", (GROUP_NAME, PATH_PREFIX)),
    ("ListRolePolicies", (ROLE_NAME,)),
    ("GetRolePolicy", (ROLE_NAME, POLICY_NAME)),
    ("ListUserPolicies", (USER_NAME,)),
    ("GetUserPolicy", (USER_NAME, POLICY_NAME)),
    ("ListGroupPolicies", (GROUP_NAME,)),
    ("GetGroupPolicy", (GROUP_NAME, POLICY_NAME)),
    ("ListAccessKeys", (_s("UserName", min=1),)),
    ("ListMFADevices", (_s("UserName", min=1),)),
    ("ListRoleTags", (ROLE_NAME,)),
    ("ListOpenIDConnectProviders", ()),
    ("ListSAMLProviders", ()),
    (
        "CreateRole",
        (
            _s("Path", min=1),
            ROLE_NAME,
            _s("AssumeRolePolicyDocument", True, 1),
            _s("Description"),
            _i("MaxSessionDuration", 3600),
            _s("PermissionsBoundary", min=20),
            TAGS,
        ),
    ),
    ("DeleteRole", (ROLE_NAME,)),
    ("UpdateRole", (ROLE_NAME, _s("Description"), _i("MaxSessionDuration", 3600))),
    ("UpdateAssumeRolePolicy", (ROLE_NAME, POLICY_DOCUMENT)),
    ("AttachRolePolicy", (ROLE_NAME, POLICY_ARN)),
    ("DetachRolePolicy", (ROLE_NAME, POLICY_ARN)),
    ("PutRolePolicy", (ROLE_NAME, POLICY_NAME, POLICY_DOCUMENT)),
    ("DeleteRolePolicy", (ROLE_NAME, POLICY_NAME)),
    ("PutRolePermissionsBoundary", (ROLE_NAME, _s("PermissionsBoundary", True, 20))),
    ("DeleteRolePermissionsBoundary", (ROLE_NAME,)),
    (
        "TagRole",
        (
            ROLE_NAME,
            Param("Tags", "structure_list", True, None, ("Key", "Value"), ("Key", "Value")),
        ),
    ),
    ("UntagRole", (ROLE_NAME, Param("TagKeys", "string_list", True))),
    ("CreateUser", (_s("Path", min=1), USER_NAME, _s("PermissionsBoundary", min=20), TAGS)),
    ("CreateAccessKey", (_s("UserName", min=1),)),
    ("DeleteAccessKey", (_s("UserName", min=1), _s("AccessKeyId", True, 16))),
    ("AttachUserPolicy", (USER_NAME, POLICY_ARN)),
    ("DetachUserPolicy", (USER_NAME, POLICY_ARN)),
    ("PutUserPolicy", (USER_NAME, POLICY_NAME, POLICY_DOCUMENT)),
    ("DeleteUserPolicy", (USER_NAME, POLICY_NAME)),
    ("AttachGroupPolicy", (GROUP_NAME, POLICY_ARN)),
    ("DetachGroupPolicy", (GROUP_NAME, POLICY_ARN)),
    ("AddUserToGroup", (GROUP_NAME, USER_NAME)),
    ("RemoveUserFromGroup", (GROUP_NAME, USER_NAME)),
    (
        "CreatePolicy",
        (POLICY_NAME, _s("Path", min=1), POLICY_DOCUMENT, _s("Description"), TAGS),
    ),
    ("CreatePolicyVersion", (POLICY_ARN, POLICY_DOCUMENT, Param("SetAsDefault", "boolean"))),
    ("SetDefaultPolicyVersion", (POLICY_ARN, _s("VersionId", True))),
)

S3API = _ops(
    "s3",
    ("ListBuckets", ()),
    ("ListObjectsV2", (BUCKET, _s("Delimiter"), _i("MaxKeys"), _s("Prefix"))),
    ("PutObject", (BUCKET, KEY, Param("Body", "streaming_blob"), _s("ContentType"))),
    ("DeleteObject", (BUCKET, KEY)),
    ("HeadObject", (BUCKET, KEY)),
    ("GetBucketPolicy", (BUCKET,)),
    ("PutBucketPolicy", (BUCKET, _s("Policy", True))),
    ("DeleteBucketPolicy", (BUCKET,)),
)
S3API["get-object"] = Operation("s3", "GetObject", (BUCKET, KEY), outfile="Body")

LAMBDA = _ops(
    "lambda",
    ("GetFunctionConfiguration", (FUNCTION_NAME, _s("Qualifier", min=1))),
    ("GetFunction", (FUNCTION_NAME, _s("Qualifier", min=1))),
    ("ListFunctions", ()),
    (
        "UpdateFunctionConfiguration",
        (
            FUNCTION_NAME,
            _s("Role"),
            _s("Handler"),
            _s("Description"),
            _i("Timeout", 1),
            _i("MemorySize", 128),
            Param("Environment", "structure", members=("Variables",)),
            _s("Runtime"),
        ),
    ),
)
LAMBDA["invoke"] = Operation(
    "lambda",
    "Invoke",
    (
        FUNCTION_NAME,
        _s("InvocationType"),
        _s("LogType"),
        Param("Payload", "blob"),
        _s("Qualifier", min=1),
    ),
    outfile="Payload",
    needs_region=True,
)

SERVICES: dict[str, Service] = {
    "iam": Service("iam", dict(sorted(IAM.items()))),
    "lambda": Service("lambda", dict(sorted(LAMBDA.items()))),
    "s3api": Service("s3api", dict(sorted(S3API.items()))),
    "sts": Service("sts", dict(sorted(STS.items()))),
}
# `aws s3` and `aws configure` are hand-written commands, not API operations.
CUSTOM_COMMANDS = ("configure", "s3")

CLI_SERVICE_NAMES = {"sts": "sts", "iam": "iam", "s3": "s3api", "lambda": "lambda"}


@cache
def available_services() -> dict[str, Service]:
    """Return the command table cut down to what the world implements.

    An operation the world does not answer is left out (so `aws iam help` lists only what
    works), a parameter the world does not take is left out (so it is reported as an unknown
    option), and an operation the world answers that the table above does not describe is
    added with plain string parameters.
    """
    from iamlab.world.operations import operations

    registry = operations()
    services: dict[str, Service] = {}
    for cli_name, service in SERVICES.items():
        table: dict[str, Operation] = {}
        for key, described in service.operations.items():
            implemented = registry.get((described.service, described.name))
            if implemented is None:
                continue
            params = tuple(param for param in described.params if param.name in implemented.params)
            table[key] = replace(described, params=params, unsigned=not implemented.signed)
        services[cli_name] = Service(cli_name, table)
    for (world_service, name), implemented in registry.items():
        cli_name = CLI_SERVICE_NAMES.get(world_service)
        if cli_name is None or kebab(name) in services[cli_name].operations:
            continue
        services[cli_name].operations[kebab(name)] = Operation(
            world_service,
            name,
            tuple(Param(param) for param in implemented.params),
            unsigned=not implemented.signed,
            needs_region=world_service == "lambda",
        )
    return {
        name: Service(name, dict(sorted(service.operations.items())))
        for name, service in sorted(services.items())
    }
