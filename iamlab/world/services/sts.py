"""STS: assume roles, federate, issue session tokens, and say who is calling."""

from __future__ import annotations

import json
import math
import re
import zlib
from datetime import datetime
from typing import Any

from iamlab.engine import PolicyType, validate_policy
from iamlab.world import federation
from iamlab.world.authz import request_context
from iamlab.world.callers import Caller
from iamlab.world.clock import iso
from iamlab.world.errors import AwsError
from iamlab.world.events import Check
from iamlab.world.model import Document, Role, Session
from iamlab.world.names import check_tags
from iamlab.world.operations import operation
from iamlab.world.params import (
    DIGITS,
    EXTERNAL_ID,
    POLICY_CHARS,
    SERIAL_NUMBER,
    SESSION_NAME,
    ParamChecker,
)
from iamlab.world.world import Request

ROLE_CHAINING_LIMIT = 3600
# The share of STS's packed-policy space a session's policies and tags may take. AWS does
# not publish its packing; the lab compresses the policies and tags and measures them
# against this many bytes.
PACKED_BUDGET_BYTES = 640
MAX_SESSION_POLICY_TEXT = 131_072

_SESSION_PARAMS = ("Policy", "PolicyArns", "DurationSeconds")
_ROLE_ARN = re.compile(r"arn:aws:iam::\d{12}:role/.+")


# -- shared pieces --------------------------------------------------------------------


def _read_session_policy_params(
    checker: ParamChecker, *, inline_max: int | None
) -> tuple[str | None, list[str]]:
    policy_text = checker.string(
        "Policy",
        min_length=1,
        max_length=inline_max or MAX_SESSION_POLICY_TEXT,
        pattern=POLICY_CHARS,
    )
    raw_arns = checker.params.get("PolicyArns")
    arns: list[str] = []
    if raw_arns is not None:
        if not isinstance(raw_arns, list) or not all(
            isinstance(item, dict) and isinstance(item.get("arn"), str) and set(item) == {"arn"}
            for item in raw_arns
        ):
            checker.errors.append(
                "Value at 'policyArns' failed to satisfy constraint: Member must be a list of "
                'objects of the form {"arn": "arn:aws:iam::...:policy/..."}'
            )
        elif len(raw_arns) > 10:
            checker.errors.append(
                f"Value '{len(raw_arns)} items' at 'policyArns' failed to satisfy constraint: "
                "Member must have length less than or equal to 10"
            )
        else:
            for item in raw_arns:
                arn = item["arn"]
                if not 20 <= len(arn) <= 2048:
                    checker.errors.append(
                        f"Value '{arn}' at 'policyArns.member.arn' failed to satisfy constraint: "
                        "Member must have length greater than or equal to 20"
                    )
                arns.append(arn)
    return policy_text, arns


def _read_tags(checker: ParamChecker) -> tuple[dict[str, str], list[str]]:
    raw = checker.params.get("Tags")
    tags: dict[str, str] = {}
    if raw is not None:
        if not isinstance(raw, list) or not all(
            isinstance(tag, dict)
            and set(tag) == {"Key", "Value"}
            and isinstance(tag["Key"], str)
            and isinstance(tag["Value"], str)
            for tag in raw
        ):
            checker.errors.append(
                "Value at 'tags' failed to satisfy constraint: Member must be a list of "
                '{"Key": ..., "Value": ...} objects'
            )
        elif len(raw) > 50:
            checker.errors.append(
                f"Value '{len(raw)} items' at 'tags' failed to satisfy constraint: Member must "
                "have length less than or equal to 50"
            )
        else:
            for tag in raw:
                if tag["Key"].lower() in {key.lower() for key in tags}:
                    raise AwsError(
                        "InvalidParameterValue",
                        "Duplicate tag keys found. Please note that Tag keys are case insensitive.",
                        400,
                    )
                tags[tag["Key"]] = tag["Value"]
            for key, problem in check_tags(tags):
                checker.errors.append(
                    f"Value '{key}' at 'tags.member.key' failed to satisfy constraint: {problem}"
                )
    transitive = checker.string_list("TransitiveTagKeys", max_items=50, item_max=128)
    return tags, transitive


def _session_policies(
    request: Request, policy_text: str | None, policy_arns: list[str], account_id: str
) -> list[Document]:
    """Parse and check the inline and managed session policies."""
    documents: list[Document] = []
    if policy_text is not None:
        try:
            document = json.loads(policy_text)
        except ValueError as error:
            raise AwsError("MalformedPolicyDocument", "Syntax errors in policy.", 400) from error
        problem = validate_policy(document, PolicyType.SESSION, "Policy")
        if problem is not None:
            raise AwsError("MalformedPolicyDocument", problem["message"], 400)
        documents.append(document)
    for arn in policy_arns:
        policy = request.world.find_policy(arn)
        if policy is None or (not policy.is_aws_managed and policy.account_id != account_id):
            raise AwsError(
                "InvalidParameterValue",
                f"Policy {arn} does not exist or is not attachable. Managed session policies "
                f"must be AWS managed policies or policies in account {account_id}.",
                400,
            )
        documents.append(policy.document)
    return documents


def _packed_policy_size(
    policy_text: str | None, policy_arns: list[str], tags: dict[str, str]
) -> int | None:
    """Return PackedPolicySize (a percentage), or None when nothing was passed."""
    if policy_text is None and not policy_arns and not tags:
        return None
    minified = ""
    if policy_text is not None:
        minified = json.dumps(json.loads(policy_text), separators=(",", ":"))
    packed = "\n".join([minified, *policy_arns, *(f"{k}={v}" for k, v in tags.items())])
    size = len(zlib.compress(packed.encode("utf-8"), 9))
    return max(1, math.ceil(size * 100 / PACKED_BUDGET_BYTES))


def _check_packed(size: int | None) -> None:
    if size is not None and size > 100:
        raise AwsError(
            "PackedPolicyTooLarge",
            f"Packed policy consumes {size}% of allotted space, please use smaller policy.",
            400,
        )


def credentials_response(session: Session) -> dict[str, str]:
    """Return the `Credentials` member of an STS response."""
    return {
        "AccessKeyId": session.access_key_id,
        "SecretAccessKey": session.secret,
        "SessionToken": session.token,
        "Expiration": iso(session.expiration),
    }


def _assumed_role_user(role: Role, session: Session) -> dict[str, str]:
    return {"AssumedRoleId": f"{role.role_id}:{session.session_name}", "Arn": session.arn}


def _denied_without_policy(request: Request, action: str, resource: str) -> AwsError:
    """Record a denial decided before any policy applies (no such role, root caller...)."""
    request.event.checks.append(Check(action, resource, "ImplicitlyDenied", None))
    return AwsError(
        "AccessDenied",
        f"User: {request.caller.arn} is not authorized to perform: {action} on resource: "
        f"{resource}",
        403,
    )


def _session_effect(session: Session) -> dict[str, Any]:
    return {
        "session": {
            "arn": session.arn,
            "role_arn": session.role_arn,
            "access_key_id": session.access_key_id,
            "expiration": iso(session.expiration),
            "source_identity": session.source_identity,
        }
    }


def _check_duration(duration: int | None, role: Role, chained: bool) -> int:
    if duration is None:
        return ROLE_CHAINING_LIMIT if chained else min(3600, role.max_session_duration)
    if chained and duration > ROLE_CHAINING_LIMIT:
        raise AwsError(
            "ValidationError",
            "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed "
            "by role chaining.",
            400,
        )
    if duration > role.max_session_duration:
        raise AwsError(
            "ValidationError",
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
            400,
        )
    return duration


def _tag_context(tags: dict[str, str], transitive: list[str]) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for key, value in tags.items():
        context[f"aws:RequestTag/{key}"] = value
    if tags:
        context["aws:TagKeys"] = list(tags)
    if transitive:
        context["sts:TransitiveTagKeys"] = list(transitive)
    return context


# -- AssumeRole -----------------------------------------------------------------------


@operation(
    "sts",
    "AssumeRole",
    (
        "RoleArn",
        "RoleSessionName",
        "DurationSeconds",
        "ExternalId",
        "SerialNumber",
        "TokenCode",
        "Policy",
        "PolicyArns",
        "Tags",
        "TransitiveTagKeys",
        "SourceIdentity",
    ),
)
def assume_role(request: Request) -> dict[str, Any]:
    """Assume a role: check the trust policy and the caller's permission, then issue a session."""
    world, caller = request.world, request.caller
    checker = ParamChecker(request.params)
    role_arn = checker.string("RoleArn", required=True, min_length=20, max_length=2048)
    session_name = checker.string(
        "RoleSessionName", required=True, min_length=2, max_length=64, pattern=SESSION_NAME
    )
    duration = checker.integer("DurationSeconds", minimum=900, maximum=43200)
    external_id = checker.string("ExternalId", min_length=2, max_length=1224, pattern=EXTERNAL_ID)
    serial = checker.string("SerialNumber", min_length=9, max_length=256, pattern=SERIAL_NUMBER)
    token_code = checker.string("TokenCode", min_length=6, max_length=6, pattern=DIGITS)
    source_identity = checker.string(
        "SourceIdentity", min_length=2, max_length=64, pattern=SESSION_NAME
    )
    policy_text, policy_arns = _read_session_policy_params(checker, inline_max=None)
    tags, transitive = _read_tags(checker)
    checker.raise_if_any()
    assert role_arn is not None and session_name is not None
    if source_identity is not None and source_identity.lower().startswith("aws:"):
        raise AwsError(
            "ValidationError",
            "The source identity can't start with 'aws:'; that prefix is reserved for AWS.",
            400,
        )

    if caller.kind == "root":
        request.event.checks.append(Check("sts:AssumeRole", role_arn, "ImplicitlyDenied", None))
        raise AwsError("AccessDenied", "Roles may not be assumed by root accounts.", 403)
    if caller.kind == "federation-token":
        # A federated user's session may call no STS operation but GetCallerIdentity.
        raise _denied_without_policy(request, "sts:AssumeRole", role_arn)
    role = world.find_role(role_arn)
    if role is None:
        raise _denied_without_policy(request, "sts:AssumeRole", role_arn)

    session_policies = _session_policies(request, policy_text, policy_arns, role.account_id)
    inherited = caller.session if caller.kind == "assumed-role" else None
    inherited_tags = (
        {k: v for k, v in inherited.session_tags.items() if k in inherited.transitive_tag_keys}
        if inherited
        else {}
    )
    for key in transitive:
        if key.lower() not in {k.lower() for k in tags}:
            raise AwsError(
                "InvalidParameterValue",
                f"The transitive tag key {key} must be one of the session tags passed in Tags.",
                400,
            )
    for key in tags:
        if key.lower() in {k.lower() for k in inherited_tags}:
            raise AwsError(
                "InvalidParameterValue",
                f"The session tag {key} conflicts with a transitive tag key of the calling "
                "session; transitive tags can't be passed again.",
                400,
            )
    inherited_source = inherited.source_identity if inherited else None
    if inherited_source and source_identity and source_identity != inherited_source:
        # AWS does not let a chained session change its source identity; wording is the lab's.
        raise AwsError(
            "ValidationError",
            f"The source identity of a role session can't be changed: it is {inherited_source}.",
            400,
        )
    new_source = inherited_source or source_identity
    packed = _packed_policy_size(policy_text, policy_arns, tags)
    _check_packed(packed)

    extra: dict[str, Any] = {"sts:RoleSessionName": session_name}
    if serial is not None or token_code is not None:
        _verify_mfa(request, serial, token_code)
        extra["aws:MultiFactorAuthPresent"] = "true"
        extra["aws:MultiFactorAuthAge"] = "0"
    if external_id is not None:
        extra["sts:ExternalId"] = external_id
    if new_source:
        # Set now or inherited from the calling session: either way the trust policy sees it.
        extra["sts:SourceIdentity"] = new_source
    extra.update(_tag_context({**inherited_tags, **tags}, transitive))
    # The role's tags are its resource tags; transitive tags of the calling session replace
    # them (case-insensitively) for the trust-policy check.
    resource_tags = {
        key: value
        for key, value in role.tags.items()
        if key.lower() not in {k.lower() for k in inherited_tags}
    }
    resource_tags.update(inherited_tags)
    extra.update({f"aws:ResourceTag/{key}": value for key, value in resource_tags.items()})

    context = {**request_context(world, caller), **extra}
    trust_args = {
        "resource_account": role.account_id,
        "resource_policy": role.trust_policy,
        "context": context,
    }
    # Denials carry the reason clause of the current IAM User Guide page "Troubleshoot access
    # denied error messages": "because no role trust policy allows the sts:AssumeRole
    # action", "... no identity-based policy allows ...", "with an explicit deny in the role
    # trust policy", and so on for the type the engine names (docs/world.md section 9).
    request.require(request.authorize("sts:AssumeRole", role.arn, **trust_args))
    if tags or inherited_tags:
        request.require(request.authorize("sts:TagSession", role.arn, **trust_args))
    if new_source:
        request.require(request.authorize("sts:SetSourceIdentity", role.arn, **trust_args))

    # Role chaining is assuming a role with a role session's credentials; credentials from
    # GetSessionToken are not a role session.
    chained = caller.kind == "assumed-role"
    seconds = _check_duration(duration, role, chained)
    session = world.issue_session(
        seconds,
        kind="assumed-role",
        account_id=role.account_id,
        role_arn=role.arn,
        session_name=session_name,
        session_policies=session_policies,
        session_tags={**inherited_tags, **tags},
        transitive_tag_keys=[*(inherited.transitive_tag_keys if inherited else []), *transitive],
        source_identity=new_source,
        chained=chained,
        federated_provider=inherited.federated_provider if inherited else None,
        # AssumeRole sessions don't carry MFA into later requests (IAM-FACTS 4.2).
        mfa_authenticated_at=None,
    )
    request.event.effect = _session_effect(session)
    response: dict[str, Any] = {
        "Credentials": credentials_response(session),
        "AssumedRoleUser": _assumed_role_user(role, session),
    }
    if packed is not None:
        response["PackedPolicySize"] = packed
    if new_source:
        response["SourceIdentity"] = new_source
    return response


def _verify_mfa(request: Request, serial: str | None, token_code: str | None) -> datetime:
    """Check an MFA serial number and code against the calling user's device."""
    caller = request.caller
    device = request.world.mfa_devices.get(serial or "")
    owner = caller.user.mfa_device if caller.user is not None else None
    if serial is None or token_code is None or device is None or owner is not device:
        raise AwsError(
            "AccessDenied",
            "MultiFactorAuthentication failed, unable to validate MFA code. Please verify "
            "your MFA serial number is valid and associated with this user.",
            403,
        )
    if not federation.mfa_code_valid(device.secret, request.world.now(), token_code):
        raise AwsError(
            "AccessDenied",
            "MultiFactorAuthentication failed with invalid MFA one time pass code. ",
            403,
        )
    return request.world.now()


# -- AssumeRoleWithWebIdentity ------------------------------------------------------------


@operation(
    "sts",
    "AssumeRoleWithWebIdentity",
    ("RoleArn", "RoleSessionName", "WebIdentityToken", "ProviderId", *_SESSION_PARAMS),
    signed=False,
)
def assume_role_with_web_identity(request: Request) -> dict[str, Any]:
    """Exchange an OIDC ID token for a role session."""
    world = request.world
    checker = ParamChecker(request.params)
    role_arn = checker.string("RoleArn", required=True, min_length=20, max_length=2048)
    session_name = checker.string(
        "RoleSessionName", required=True, min_length=2, max_length=64, pattern=SESSION_NAME
    )
    token = checker.string("WebIdentityToken", required=True, min_length=4, max_length=20000)
    checker.string("ProviderId", min_length=4, max_length=2048)
    duration = checker.integer("DurationSeconds", minimum=900, maximum=43200)
    policy_text, policy_arns = _read_session_policy_params(checker, inline_max=2048)
    checker.raise_if_any()
    assert role_arn is not None and session_name is not None and token is not None
    # The AWS CLI passes a file:// parameter's content as it is, trailing newline included,
    # and STS accepts such a token, as it does from AWS_WEB_IDENTITY_TOKEN_FILE.
    token = token.strip()

    claims = federation.read_jwt_claims(token)
    if claims is None or not isinstance(claims.get("iss"), str):
        raise AwsError(
            "InvalidIdentityToken",
            "The web identity token that was passed could not be validated by AWS. Get a new "
            "identity token from the identity provider and then retry the request.",
            400,
        )
    role = world.find_role(role_arn)
    # The provider must be registered in the account of the role asked for.
    arn_parts = role_arn.split(":")
    account_id = role.account_id if role else (arn_parts[4] if len(arn_parts) > 5 else "")
    issuer = claims["iss"]
    provider = None
    account = world.accounts.get(account_id)
    if account is not None:
        provider = next(
            (
                p
                for p in account.identity_providers.values()
                if p.type == "oidc" and p.url == issuer
            ),
            None,
        )
    if provider is None:
        raise AwsError(
            "InvalidIdentityToken",
            f"No OpenIDConnect provider found in your account for {issuer}",
            400,
        )
    if not federation.jwt_signature_valid(world.provider_key(provider), token):
        raise AwsError(
            "InvalidIdentityToken",
            "The web identity token that was passed could not be validated by AWS. Get a new "
            "identity token from the identity provider and then retry the request.",
            400,
        )
    audiences = claims.get("aud")
    audience_list = audiences if isinstance(audiences, list) else [audiences]
    audience = next((a for a in audience_list if a in provider.client_ids), None)
    if audience is None:
        raise AwsError("InvalidIdentityToken", "Incorrect token audience", 400)
    expires = claims.get("exp")
    now = int(world.now().timestamp())
    if not isinstance(expires, int) or now >= expires:
        raise AwsError(
            "ExpiredTokenException",
            f"Token expired: current date/time {now} must be before the expiration date/time "
            f"{expires}",
            400,
        )
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject:
        raise AwsError("InvalidIdentityToken", "The ID token has no sub claim.", 400)

    caller = Caller("anonymous", None, provider.arn)
    request.caller = caller
    request.event.caller.principal_arn = provider.arn
    request.event.caller.session_name = session_name
    if role is None:
        raise _not_authorized("sts:AssumeRoleWithWebIdentity", request, role_arn)
    session_policies = _session_policies(request, policy_text, policy_arns, role.account_id)
    packed = _packed_policy_size(policy_text, policy_arns, {})
    _check_packed(packed)
    prefix = provider.name
    context = {
        **_federated_base_context(request),
        f"{prefix}:aud": audience,
        f"{prefix}:sub": subject,
        "aws:FederatedProvider": provider.arn,
        "sts:RoleSessionName": session_name,
    }
    if isinstance(claims.get("amr"), list):
        context[f"{prefix}:amr"] = [str(item) for item in claims["amr"]]
    for claim in ("email", "oaud", "azp"):
        if isinstance(claims.get(claim), str):
            context[f"{prefix}:{claim}"] = claims[claim]
    tag_claim = claims.get(OIDC_TAGS_CLAIM)
    if tag_claim is not None and not isinstance(tag_claim, dict):
        raise AwsError("InvalidIdentityToken", "The session tags in the token are invalid.", 400)
    tags, transitive = _identity_provider_tags(
        (tag_claim or {}).get("principal_tags"), (tag_claim or {}).get("transitive_tag_keys")
    )
    context.update(_tag_context(tags, transitive))
    if not _trust_allows(request, role, "sts:AssumeRoleWithWebIdentity", context):
        raise _not_authorized("sts:AssumeRoleWithWebIdentity", request, role_arn, checked=True)
    session = _issue_federated_session(
        request,
        role,
        provider.arn,
        context,
        duration=duration,
        session_name=session_name,
        session_policies=session_policies,
        tags=tags,
        transitive=transitive,
    )
    response: dict[str, Any] = {
        "Credentials": credentials_response(session),
        "SubjectFromWebIdentityToken": subject,
        "AssumedRoleUser": _assumed_role_user(role, session),
        "Provider": issuer,
        "Audience": audience,
    }
    if packed is not None:
        response["PackedPolicySize"] = packed
    return response


def _identity_provider_tags(
    principal_tags: object, transitive: object
) -> tuple[dict[str, str], list[str]]:
    """Read session tags passed by an identity provider (one value per key)."""
    tags: dict[str, str] = {}
    if principal_tags is not None:
        if not isinstance(principal_tags, dict):
            raise AwsError(
                "InvalidIdentityToken", "The session tags in the token are invalid.", 400
            )
        for key, value in principal_tags.items():
            values = value if isinstance(value, list) else [value]
            if len(values) != 1 or not isinstance(values[0], str):
                raise AwsError(
                    "InvalidIdentityToken",
                    f"The session tag {key} must have exactly one text value.",
                    400,
                )
            tags[str(key)] = values[0]
        problems = check_tags(tags)
        if problems:
            raise AwsError("InvalidIdentityToken", problems[0][1], 400)
    keys: list[str] = []
    if transitive is not None:
        listed = transitive if isinstance(transitive, list) else [transitive]
        keys = [str(key) for key in listed]
        if any(key.lower() not in {k.lower() for k in tags} for key in keys):
            raise AwsError(
                "InvalidIdentityToken",
                "Every transitive tag key must be one of the session tags passed.",
                400,
            )
    return tags, keys


def _trust_allows(request: Request, role: Role, action: str, context: dict[str, Any]) -> bool:
    """Return whether the role's trust policy lets the federated caller do an action."""
    check = request.authorize(
        action,
        role.arn,
        resource_account=role.account_id,
        resource_policy=role.trust_policy,
        context=context,
    )
    return check.decision == "Allowed"


def _authorize_tags(request: Request, role: Role, context: dict[str, Any]) -> None:
    """Require sts:TagSession in the trust policy when an identity provider passes tags."""
    if not _trust_allows(request, role, "sts:TagSession", context):
        raise AwsError("AccessDenied", "Not authorized to perform sts:TagSession", 403)


def _issue_federated_session(
    request: Request,
    role: Role,
    provider_arn: str,
    context: dict[str, Any],
    *,
    duration: int | None,
    session_name: str,
    session_policies: list[Document],
    tags: dict[str, str],
    transitive: list[str],
    source_identity: str | None = None,
) -> Session:
    """Issue a role session to a principal an identity provider vouched for, once trusted."""
    if tags:
        _authorize_tags(request, role, context)
    # Federation is never role chaining: the caller holds no role session.
    seconds = _check_duration(duration, role, chained=False)
    session = request.world.issue_session(
        seconds,
        kind="assumed-role",
        account_id=role.account_id,
        role_arn=role.arn,
        session_name=session_name,
        session_policies=session_policies,
        session_tags=tags,
        transitive_tag_keys=transitive,
        source_identity=source_identity,
        federated_provider=provider_arn,
    )
    request.event.effect = _session_effect(session)
    return session


def _federated_base_context(request: Request) -> dict[str, Any]:
    context = request_context(request.world, request.caller)
    for key in ("aws:PrincipalType", "aws:PrincipalIsAWSService"):
        context.pop(key, None)
    return context


def _not_authorized(
    action: str, request: Request, role_arn: str, checked: bool = False
) -> AwsError:
    if not checked:
        request.event.checks.append(Check(action, role_arn, "ImplicitlyDenied", None))
    return AwsError("AccessDenied", f"Not authorized to perform {action}", 403)


# -- AssumeRoleWithSAML -------------------------------------------------------------------

_SAML_ROLE = "https://aws.amazon.com/SAML/Attributes/Role"
_SAML_SESSION_NAME = "https://aws.amazon.com/SAML/Attributes/RoleSessionName"
_SAML_SOURCE_IDENTITY = "https://aws.amazon.com/SAML/Attributes/SourceIdentity"
_SAML_PRINCIPAL_TAG = "https://aws.amazon.com/SAML/Attributes/PrincipalTag:"
_SAML_TRANSITIVE_TAGS = "https://aws.amazon.com/SAML/Attributes/TransitiveTagKeys"
OIDC_TAGS_CLAIM = "https://aws.amazon.com/tags"
_NAMEID_PREFIX = "urn:oasis:names:tc:SAML:2.0:nameid-format:"


@operation(
    "sts",
    "AssumeRoleWithSAML",
    ("RoleArn", "PrincipalArn", "SAMLAssertion", *_SESSION_PARAMS),
    signed=False,
)
def assume_role_with_saml(request: Request) -> dict[str, Any]:
    """Exchange a SAML assertion from a registered SAML provider for a role session."""
    world = request.world
    checker = ParamChecker(request.params)
    role_arn = checker.string("RoleArn", required=True, min_length=20, max_length=2048)
    principal_arn = checker.string("PrincipalArn", required=True, min_length=20, max_length=2048)
    assertion_text = checker.string("SAMLAssertion", required=True, min_length=4, max_length=100000)
    duration = checker.integer("DurationSeconds", minimum=900, maximum=43200)
    policy_text, policy_arns = _read_session_policy_params(checker, inline_max=2048)
    checker.raise_if_any()
    assert role_arn is not None and principal_arn is not None and assertion_text is not None

    provider = world.find_provider(principal_arn)
    if provider is None or provider.type != "saml":
        raise AwsError("InvalidIdentityToken", "Specified provider doesn't exist.", 400)
    read = federation.read_saml(assertion_text)
    if read is None or not federation.saml_signature_valid(world.provider_key(provider), *read):
        raise AwsError("InvalidIdentityToken", "Response signature invalid", 400)
    assertion, _ = read
    now = int(world.now().timestamp())
    not_after = assertion.get("NotOnOrAfter")
    if not isinstance(not_after, int) or now >= not_after:
        raise AwsError(
            "ExpiredTokenException", "Token must be redeemed within 5 minutes of issuance", 400
        )
    attributes = (
        assertion.get("Attributes") if isinstance(assertion.get("Attributes"), dict) else {}
    )
    pairs = {
        tuple(item.split(",", 1))
        for item in attributes.get(_SAML_ROLE, [])
        if isinstance(item, str)
    }
    session_names = attributes.get(_SAML_SESSION_NAME) or []
    session_name = session_names[0] if session_names and isinstance(session_names[0], str) else None
    if session_name is None or not (
        2 <= len(session_name) <= 64 and SESSION_NAME.fullmatch(session_name)
    ):
        raise AwsError(
            "InvalidIdentityToken",
            "The SAML assertion needs a RoleSessionName attribute of 2 to 64 characters "
            r"matching [\w+=,.@-]*.",
            400,
        )
    subject = str(assertion.get("Subject", ""))
    subject_type = str(assertion.get("SubjectType", "persistent")).removeprefix(_NAMEID_PREFIX)
    issuer = str(assertion.get("Issuer", ""))
    recipient = str(assertion.get("Recipient", ""))

    request.caller = Caller("anonymous", None, provider.arn)
    request.event.caller.principal_arn = provider.arn
    request.event.caller.session_name = session_name
    role = world.find_role(role_arn)
    if role is None or (
        (role_arn, principal_arn) not in pairs and (role.arn, principal_arn) not in pairs
    ):
        raise _not_authorized("sts:AssumeRoleWithSAML", request, role_arn)
    session_policies = _session_policies(request, policy_text, policy_arns, role.account_id)
    packed = _packed_policy_size(policy_text, policy_arns, {})
    _check_packed(packed)
    qualifier = federation.name_qualifier(issuer, provider.account_id, provider.name)
    context: dict[str, Any] = {
        **_federated_base_context(request),
        "saml:aud": recipient,
        "saml:iss": issuer,
        "saml:sub": subject,
        "saml:sub_type": subject_type,
        "saml:namequalifier": qualifier,
        "saml:doc": f"{provider.account_id}/{provider.name}",
        "aws:FederatedProvider": provider.arn,
        "sts:RoleSessionName": session_name,
    }
    for name, values in attributes.items():
        if name.startswith("https://aws.amazon.com/SAML/Attributes/"):
            continue
        if isinstance(name, str) and re.fullmatch(r"[A-Za-z0-9_.:-]{1,64}", name):
            listed = values if isinstance(values, list) else [values]
            context[f"saml:{name}"] = [str(value) for value in listed]
    source_values = attributes.get(_SAML_SOURCE_IDENTITY) or []
    source_identity = (
        source_values[0] if source_values and isinstance(source_values[0], str) else None
    )
    tags, transitive = _identity_provider_tags(
        {
            name[len(_SAML_PRINCIPAL_TAG) :]: values
            for name, values in attributes.items()
            if name.startswith(_SAML_PRINCIPAL_TAG)
        }
        or None,
        attributes.get(_SAML_TRANSITIVE_TAGS),
    )
    context.update(_tag_context(tags, transitive))
    actions = ["sts:AssumeRoleWithSAML"]
    if source_identity:
        context["sts:SourceIdentity"] = source_identity
        actions.append("sts:SetSourceIdentity")
    for action in actions:
        if not _trust_allows(request, role, action, context):
            raise _not_authorized("sts:AssumeRoleWithSAML", request, role_arn, checked=True)
    session = _issue_federated_session(
        request,
        role,
        provider.arn,
        context,
        duration=duration,
        session_name=session_name,
        session_policies=session_policies,
        tags=tags,
        transitive=transitive,
        source_identity=source_identity,
    )
    response: dict[str, Any] = {
        "Credentials": credentials_response(session),
        "AssumedRoleUser": _assumed_role_user(role, session),
        "Subject": subject,
        "SubjectType": subject_type,
        "Issuer": issuer,
        "Audience": recipient,
        "NameQualifier": qualifier,
    }
    if packed is not None:
        response["PackedPolicySize"] = packed
    if source_identity:
        response["SourceIdentity"] = source_identity
    return response


# -- GetSessionToken, GetFederationToken ------------------------------------------------------


def _long_term_only(request: Request, operation_name: str) -> None:
    if request.caller.kind not in ("user", "root"):
        raise AwsError(
            "AccessDenied", f"Cannot call {operation_name} with session credentials", 403
        )


def _token_duration(caller: Caller, duration: int | None) -> int:
    if caller.kind == "root":
        # Root sessions last at most an hour; a longer request falls back to one hour.
        return 3600 if duration is None or duration > 3600 else duration
    return 43200 if duration is None else duration


@operation("sts", "GetSessionToken", ("DurationSeconds", "SerialNumber", "TokenCode"))
def get_session_token(request: Request) -> dict[str, Any]:
    """Issue temporary credentials for an IAM user (or root), optionally proving MFA."""
    checker = ParamChecker(request.params)
    duration = checker.integer("DurationSeconds", minimum=900, maximum=129600)
    serial = checker.string("SerialNumber", min_length=9, max_length=256, pattern=SERIAL_NUMBER)
    token_code = checker.string("TokenCode", min_length=6, max_length=6, pattern=DIGITS)
    checker.raise_if_any()
    caller = request.caller
    _long_term_only(request, "GetSessionToken")
    # GetSessionToken authenticates; no policy can allow or deny it.
    mfa_at = None
    if serial is not None or token_code is not None:
        mfa_at = _verify_mfa(request, serial, token_code)
    session = request.world.issue_session(
        _token_duration(caller, duration),
        kind="session-token",
        account_id=caller.account_id or "",
        user_arn=caller.arn,
        mfa_authenticated_at=mfa_at,
    )
    request.event.effect = _session_effect(session)
    return {"Credentials": credentials_response(session)}


@operation("sts", "GetFederationToken", ("Name", "Policy", "PolicyArns", "DurationSeconds", "Tags"))
def get_federation_token(request: Request) -> dict[str, Any]:
    """Issue a federated user session, limited by the session policies passed."""
    world, caller = request.world, request.caller
    checker = ParamChecker(request.params)
    name = checker.string("Name", required=True, min_length=2, max_length=32, pattern=SESSION_NAME)
    duration = checker.integer("DurationSeconds", minimum=900, maximum=129600)
    policy_text, policy_arns = _read_session_policy_params(checker, inline_max=2048)
    tags, _ = _read_tags(checker)
    checker.raise_if_any()
    assert name is not None
    _long_term_only(request, "GetFederationToken")
    account_id = caller.account_id or ""
    session_policies = _session_policies(request, policy_text, policy_arns, account_id)
    packed = _packed_policy_size(policy_text, policy_arns, tags)
    _check_packed(packed)
    federated_arn = f"arn:aws:sts::{account_id}:federated-user/{name}"
    context = request_context(world, caller)
    context.update(_tag_context(tags, []))
    request.require(
        request.authorize(
            "sts:GetFederationToken", federated_arn, resource_account=account_id, context=context
        ),
    )
    if tags:
        request.require(
            request.authorize(
                "sts:TagSession", federated_arn, resource_account=account_id, context=context
            ),
        )
    session = world.issue_session(
        _token_duration(caller, duration),
        kind="federation-token",
        account_id=account_id,
        user_arn=caller.arn,
        session_name=name,
        session_policies=session_policies,
        session_tags=tags,
    )
    request.event.effect = _session_effect(session)
    response: dict[str, Any] = {
        "Credentials": credentials_response(session),
        "FederatedUser": {"FederatedUserId": f"{account_id}:{name}", "Arn": federated_arn},
    }
    if packed is not None:
        response["PackedPolicySize"] = packed
    return response


@operation("sts", "GetCallerIdentity", ())
def get_caller_identity(request: Request) -> dict[str, Any]:
    """Say who the credentials belong to; no policy can deny this."""
    caller = request.caller
    return {"UserId": caller.user_id, "Account": caller.account_id, "Arn": caller.arn}
