"""One case per documented evaluation rule, with AWS's outcome (IAM-FACTS sections 1-3)."""

from __future__ import annotations

import pytest

from iamlab.engine import simulate
from tests.cast import (
    ACCOUNT,
    ALICE,
    BOB_ELSEWHERE,
    BUCKET,
    FEDERATED_USER,
    LAMBDA,
    OBJECT,
    OIDC_PROVIDER,
    OTHER_ACCOUNT,
    OTHER_ROLE,
    OTHER_ROOT,
    OTHER_SESSION,
    ROLE,
    ROOT,
    SAML_PROVIDER,
    SESSION,
    allow,
    deny,
    policy,
    simulation,
    trust,
)

ALLOWED, EXPLICIT, IMPLICIT = "Allowed", "ExplicitlyDenied", "ImplicitlyDenied"
READ = policy(allow("s3:GetObject", f"{BUCKET}/*"))
READ_ALL = policy(allow("s3:*", "*"))
NOTHING = policy(allow("ec2:DescribeInstances", "*"))
ASSUME = policy(allow("sts:AssumeRole", ROLE))
SERVICE_LINKED_ROLE = (
    f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport"
)

KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
DECRYPT = policy(allow("kms:Decrypt", "*"))

CASES = [
    # Basic identity-based evaluation.
    (
        "default_is_implicit_deny",
        simulation(ALICE, "s3:GetObject", OBJECT),
        IMPLICIT,
        "identity-based policy",
    ),
    (
        "identity_policy_allows",
        simulation(ALICE, "s3:GetObject", OBJECT, identity_policies=[READ]),
        ALLOWED,
        None,
    ),
    (
        "other_action_not_allowed",
        simulation(ALICE, "s3:PutObject", OBJECT, identity_policies=[READ]),
        IMPLICIT,
        "identity-based policy",
    ),
    (
        "explicit_deny_overrides_allow",
        simulation(
            ALICE, "s3:GetObject", OBJECT, identity_policies=[READ, policy(deny("s3:*", "*"))]
        ),
        EXPLICIT,
        "identity-based policy",
    ),
    (
        "any_of_several_identity_policies_allows",
        simulation(ALICE, "s3:GetObject", OBJECT, identity_policies=[NOTHING, READ]),
        ALLOWED,
        None,
    ),
    (
        "action_match_is_case_insensitive",
        simulation(ALICE, "S3:getobject", OBJECT, identity_policies=[READ]),
        ALLOWED,
        None,
    ),
    (
        "resource_match_is_case_sensitive",
        simulation(
            ALICE, "s3:GetObject", "arn:aws:s3:::Example-Reports/q1.csv", identity_policies=[READ]
        ),
        IMPLICIT,
        "identity-based policy",
    ),
    (
        "question_mark_matches_one_character",
        simulation(
            ALICE,
            "s3:GetObject",
            OBJECT,
            identity_policies=[policy(allow("s3:GetObjec?", f"{BUCKET}/q?.csv"))],
        ),
        ALLOWED,
        None,
    ),
    (
        "star_crosses_slashes",
        simulation(
            ALICE,
            "s3:GetObject",
            "arn:aws:s3:::example-reports/1///test///object.jpg",
            identity_policies=[policy(allow("s3:GetObject", f"{BUCKET}/*/test/*"))],
        ),
        ALLOWED,
        None,
    ),
    (
        "not_action_allow_covers_other_actions",
        simulation(
            ALICE, "s3:GetObject", OBJECT, identity_policies=[policy(allow(NotAction="iam:*"))]
        ),
        ALLOWED,
        None,
    ),
    (
        "not_action_allow_excludes_listed",
        simulation(
            ALICE,
            "iam:CreateUser",
            f"arn:aws:iam::{ACCOUNT}:user/mallory",
            identity_policies=[policy(allow(NotAction="iam:*"))],
        ),
        IMPLICIT,
        "identity-based policy",
    ),
    (
        "not_resource_deny_spares_listed",
        simulation(
            ALICE,
            "s3:GetObject",
            OBJECT,
            identity_policies=[READ_ALL, policy(deny("s3:*", NotResource=f"{BUCKET}/*"))],
        ),
        ALLOWED,
        None,
    ),
    (
        "not_resource_deny_hits_others",
        simulation(
            ALICE,
            "s3:GetObject",
            "arn:aws:s3:::secrets/key",
            identity_policies=[READ_ALL, policy(deny("s3:*", NotResource=f"{BUCKET}/*"))],
        ),
        EXPLICIT,
        "identity-based policy",
    ),
    (
        "statement_object_not_list",
        simulation(
            ALICE,
            "s3:GetObject",
            OBJECT,
            identity_policies=[
                {"Version": "2012-10-17", "Statement": allow("s3:GetObject", OBJECT)}
            ],
        ),
        ALLOWED,
        None,
    ),
    # Policy variables.
    (
        "variable_in_resource",
        simulation(
            ALICE,
            "s3:GetObject",
            f"{BUCKET}/home/alice/notes.txt",
            identity_policies=[policy(allow("s3:GetObject", f"{BUCKET}/home/${{aws:username}}/*"))],
        ),
        ALLOWED,
        None,
    ),
    (
        "variable_other_user_folder",
        simulation(
            ALICE,
            "s3:GetObject",
            f"{BUCKET}/home/bob/notes.txt",
            identity_policies=[policy(allow("s3:GetObject", f"{BUCKET}/home/${{aws:username}}/*"))],
        ),
        IMPLICIT,
        "identity-based policy",
    ),
    (
        "variable_literal_in_2008_version",
        simulation(
            ALICE,
            "s3:GetObject",
            f"{BUCKET}/home/alice/notes.txt",
            identity_policies=[
                policy(
                    allow("s3:GetObject", f"{BUCKET}/home/${{aws:username}}/*"),
                    version="2008-10-17",
                )
            ],
        ),
        IMPLICIT,
        "identity-based policy",
    ),
    (
        "variable_literal_without_version",
        simulation(
            ALICE,
            "s3:GetObject",
            f"{BUCKET}/home/${{aws:username}}/x",
            identity_policies=[
                policy(allow("s3:GetObject", f"{BUCKET}/home/${{aws:username}}/*"), version=None)
            ],
        ),
        ALLOWED,
        None,
    ),
    (
        "unresolved_variable_matches_nothing",
        simulation(
            ALICE,
            "s3:GetObject",
            f"{BUCKET}/team/x",
            identity_policies=[
                policy(allow("s3:GetObject", f"{BUCKET}/${{aws:PrincipalTag/team}}/*"))
            ],
        ),
        IMPLICIT,
        "identity-based policy",
    ),
    (
        "variable_default_value",
        simulation(
            ALICE,
            "s3:GetObject",
            f"{BUCKET}/company-wide/x",
            identity_policies=[
                policy(
                    allow("s3:GetObject", f"{BUCKET}/${{aws:PrincipalTag/team, 'company-wide'}}/*")
                )
            ],
        ),
        ALLOWED,
        None,
    ),
    (
        "variable_star_is_literal",
        simulation(
            ALICE,
            "s3:GetObject",
            f"{BUCKET}/ab",
            identity_policies=[policy(allow("s3:GetObject", f"{BUCKET}/a${{*}}"))],
        ),
        IMPLICIT,
        "identity-based policy",
    ),
    (
        "variable_star_matches_literal_star",
        simulation(
            ALICE,
            "s3:GetObject",
            f"{BUCKET}/a*",
            identity_policies=[policy(allow("s3:GetObject", f"{BUCKET}/a${{*}}"))],
        ),
        ALLOWED,
        None,
    ),
    (
        "tag_value_star_is_not_a_wildcard",
        simulation(
            ALICE,
            "s3:GetObject",
            f"{BUCKET}/anything",
            {"aws:PrincipalTag/team": "*"},
            identity_policies=[
                policy(allow("s3:GetObject", f"{BUCKET}/${{aws:PrincipalTag/team}}"))
            ],
        ),
        IMPLICIT,
        "identity-based policy",
    ),
    (
        "variable_before_fifth_colon_is_literal",
        simulation(
            ALICE,
            "iam:GetUser",
            ALICE,
            identity_policies=[
                policy(allow("iam:GetUser", "arn:aws:iam::${aws:PrincipalAccount}:user/alice"))
            ],
        ),
        IMPLICIT,
        "identity-based policy",
    ),
    # Conditions.
    (
        "condition_matches",
        simulation(
            ALICE,
            "s3:GetObject",
            OBJECT,
            {"aws:SourceIp": "203.0.113.9"},
            identity_policies=[
                policy(
                    allow(
                        "s3:GetObject",
                        "*",
                        Condition={"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
                    )
                )
            ],
        ),
        ALLOWED,
        None,
    ),
    (
        "condition_fails",
        simulation(
            ALICE,
            "s3:GetObject",
            OBJECT,
            {"aws:SourceIp": "198.51.100.7"},
            identity_policies=[
                policy(
                    allow(
                        "s3:GetObject",
                        "*",
                        Condition={"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
                    )
                )
            ],
        ),
        IMPLICIT,
        "identity-based policy",
    ),
    (
        "condition_missing_key_is_false",
        simulation(
            ALICE,
            "s3:GetObject",
            OBJECT,
            identity_policies=[
                policy(
                    allow(
                        "s3:GetObject",
                        "*",
                        Condition={"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
                    )
                )
            ],
        ),
        IMPLICIT,
        "identity-based policy",
    ),
    (
        "deny_unless_mfa_with_bool_if_exists",
        simulation(
            ALICE,
            "s3:GetObject",
            OBJECT,
            identity_policies=[
                READ,
                policy(
                    deny(
                        "*",
                        "*",
                        Condition={"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
                    )
                ),
            ],
        ),
        EXPLICIT,
        "identity-based policy",
    ),
    (
        "deny_unless_mfa_spares_mfa_session",
        simulation(
            ALICE,
            "s3:GetObject",
            OBJECT,
            {"aws:MultiFactorAuthPresent": True},
            identity_policies=[
                READ,
                policy(
                    deny(
                        "*",
                        "*",
                        Condition={"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
                    )
                ),
            ],
        ),
        ALLOWED,
        None,
    ),
    (
        "deny_string_not_equals_if_exists_missing_tag",
        simulation(
            ALICE,
            "s3:GetObject",
            OBJECT,
            identity_policies=[
                READ,
                policy(
                    deny(
                        "*",
                        "*",
                        Condition={"StringNotEqualsIfExists": {"aws:PrincipalTag/team": "finance"}},
                    )
                ),
            ],
        ),
        EXPLICIT,
        "identity-based policy",
    ),
    (
        "deny_string_not_equals_if_exists_right_tag",
        simulation(
            ALICE,
            "s3:GetObject",
            OBJECT,
            {"aws:PrincipalTag/team": "finance"},
            identity_policies=[
                READ,
                policy(
                    deny(
                        "*",
                        "*",
                        Condition={"StringNotEqualsIfExists": {"aws:PrincipalTag/team": "finance"}},
                    )
                ),
            ],
        ),
        ALLOWED,
        None,
    ),
    (
        "negated_operator_missing_key_is_true",
        simulation(
            ALICE,
            "s3:GetObject",
            OBJECT,
            identity_policies=[
                READ,
                policy(
                    deny(
                        "*",
                        "*",
                        Condition={"StringNotEquals": {"aws:PrincipalTag/team": "finance"}},
                    )
                ),
            ],
        ),
        EXPLICIT,
        "identity-based policy",
    ),
    (
        "condition_key_names_case_insensitive",
        simulation(
            ALICE,
            "s3:GetObject",
            OBJECT,
            {"AWS:SOURCEIP": "203.0.113.9"},
            identity_policies=[
                policy(
                    allow(
                        "s3:GetObject",
                        "*",
                        Condition={"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
                    )
                )
            ],
        ),
        ALLOWED,
        None,
    ),
    (
        "derived_username_in_condition",
        simulation(
            ALICE,
            "s3:GetObject",
            OBJECT,
            identity_policies=[
                policy(
                    allow(
                        "s3:GetObject", "*", Condition={"StringEquals": {"aws:username": "alice"}}
                    )
                )
            ],
        ),
        ALLOWED,
        None,
    ),
    # Permissions boundaries and session policies.
    (
        "boundary_caps_identity_policy",
        simulation(
            ALICE, "s3:GetObject", OBJECT, identity_policies=[READ_ALL], permission_boundary=NOTHING
        ),
        IMPLICIT,
        "permissions boundary",
    ),
    (
        "boundary_and_identity_both_allow",
        simulation(
            ALICE, "s3:GetObject", OBJECT, identity_policies=[READ], permission_boundary=READ_ALL
        ),
        ALLOWED,
        None,
    ),
    (
        "boundary_alone_grants_nothing",
        simulation(ALICE, "s3:GetObject", OBJECT, permission_boundary=READ_ALL),
        IMPLICIT,
        "identity-based policy",
    ),
    (
        "boundary_explicit_deny",
        simulation(
            ALICE,
            "s3:GetObject",
            OBJECT,
            identity_policies=[READ],
            permission_boundary=policy(allow(), deny("s3:GetObject")),
        ),
        EXPLICIT,
        "permissions boundary",
    ),
    (
        "role_session_without_session_policy",
        simulation(SESSION, "s3:GetObject", OBJECT, identity_policies=[READ]),
        ALLOWED,
        None,
    ),
    (
        "session_policy_caps_role_session",
        simulation(
            SESSION, "s3:GetObject", OBJECT, identity_policies=[READ], session_policy=NOTHING
        ),
        IMPLICIT,
        "session policy",
    ),
    (
        "session_policy_allows",
        simulation(
            SESSION, "s3:GetObject", OBJECT, identity_policies=[READ], session_policy=READ_ALL
        ),
        ALLOWED,
        None,
    ),
    (
        "session_policy_list_any_allows",
        simulation(
            SESSION,
            "s3:GetObject",
            OBJECT,
            identity_policies=[READ],
            session_policy=[NOTHING, READ],
        ),
        ALLOWED,
        None,
    ),
    (
        "session_policy_explicit_deny",
        simulation(
            SESSION,
            "s3:GetObject",
            OBJECT,
            identity_policies=[READ],
            session_policy=policy(deny("s3:*")),
        ),
        EXPLICIT,
        "session policy",
    ),
    (
        "session_policy_ignored_for_user",
        simulation(ALICE, "s3:GetObject", OBJECT, identity_policies=[READ], session_policy=NOTHING),
        ALLOWED,
        None,
    ),
    (
        "federated_user_without_session_policy_has_nothing",
        simulation(FEDERATED_USER, "s3:GetObject", OBJECT, identity_policies=[READ]),
        IMPLICIT,
        "session policy",
    ),
    (
        "federated_user_with_session_policy",
        simulation(
            FEDERATED_USER, "s3:GetObject", OBJECT, identity_policies=[READ], session_policy=READ
        ),
        ALLOWED,
        None,
    ),
    # Resource-based policies in the same account (IAM-FACTS 1.2).
    (
        "bucket_policy_naming_user_grants_alone",
        simulation(
            ALICE,
            "s3:GetObject",
            OBJECT,
            resource_policy=policy(allow("s3:GetObject", f"{BUCKET}/*", Principal={"AWS": ALICE})),
        ),
        ALLOWED,
        None,
    ),
    (
        "bucket_policy_naming_user_ignores_boundary",
        simulation(
            ALICE,
            "s3:GetObject",
            OBJECT,
            permission_boundary=NOTHING,
            resource_policy=policy(allow("s3:GetObject", f"{BUCKET}/*", Principal={"AWS": ALICE})),
        ),
        ALLOWED,
        None,
    ),
    (
        "bucket_policy_naming_session_ignores_session_policy",
        simulation(
            SESSION,
            "s3:GetObject",
            OBJECT,
            session_policy=NOTHING,
            permission_boundary=NOTHING,
            resource_policy=policy(
                allow("s3:GetObject", f"{BUCKET}/*", Principal={"AWS": SESSION})
            ),
        ),
        ALLOWED,
        None,
    ),
    (
        "bucket_policy_naming_role_limited_by_session_policy",
        simulation(
            SESSION,
            "s3:GetObject",
            OBJECT,
            session_policy=NOTHING,
            resource_policy=policy(allow("s3:GetObject", f"{BUCKET}/*", Principal={"AWS": ROLE})),
        ),
        IMPLICIT,
        "session policy",
    ),
    (
        "bucket_policy_naming_role_limited_by_boundary",
        simulation(
            SESSION,
            "s3:GetObject",
            OBJECT,
            permission_boundary=NOTHING,
            resource_policy=policy(allow("s3:GetObject", f"{BUCKET}/*", Principal={"AWS": ROLE})),
        ),
        IMPLICIT,
        "permissions boundary",
    ),
    (
        "bucket_policy_naming_role_grants_session",
        simulation(
            SESSION,
            "s3:GetObject",
            OBJECT,
            resource_policy=policy(allow("s3:GetObject", f"{BUCKET}/*", Principal={"AWS": ROLE})),
        ),
        ALLOWED,
        None,
    ),
    (
        "bucket_policy_naming_account_needs_identity",
        simulation(
            ALICE,
            "s3:GetObject",
            OBJECT,
            resource_policy=policy(
                allow("s3:GetObject", f"{BUCKET}/*", Principal={"AWS": ACCOUNT})
            ),
        ),
        IMPLICIT,
        "identity-based policy",
    ),
    (
        "bucket_policy_wildcard_principal_grants",
        simulation(
            SESSION,
            "s3:GetObject",
            OBJECT,
            session_policy=NOTHING,
            resource_policy=policy(allow("s3:GetObject", f"{BUCKET}/*", Principal="*")),
        ),
        ALLOWED,
        None,
    ),
    (
        "bucket_policy_deny_overrides_identity_allow",
        simulation(
            ALICE,
            "s3:GetObject",
            OBJECT,
            identity_policies=[READ],
            resource_policy=policy(deny("s3:*", f"{BUCKET}/*", Principal="*")),
        ),
        EXPLICIT,
        "resource-based policy",
    ),
    (
        "bucket_policy_other_principal_irrelevant",
        simulation(
            ALICE,
            "s3:GetObject",
            OBJECT,
            identity_policies=[READ],
            resource_policy=policy(
                allow("s3:GetObject", f"{BUCKET}/*", Principal={"AWS": BOB_ELSEWHERE})
            ),
        ),
        ALLOWED,
        None,
    ),
    (
        "anonymous_needs_public_policy",
        simulation("anonymous", "s3:GetObject", OBJECT),
        IMPLICIT,
        "resource-based policy",
    ),
    (
        "anonymous_public_bucket",
        simulation(
            "anonymous",
            "s3:GetObject",
            OBJECT,
            resource_policy=policy(allow("s3:GetObject", f"{BUCKET}/*", Principal="*")),
        ),
        ALLOWED,
        None,
    ),
    # NotPrincipal (Deny only).
    (
        "not_principal_deny_hits_others",
        simulation(
            ALICE,
            "s3:GetObject",
            OBJECT,
            identity_policies=[READ],
            resource_policy=policy(
                deny("s3:*", "*", NotPrincipal={"AWS": [BOB_ELSEWHERE, OTHER_ROOT]})
            ),
        ),
        EXPLICIT,
        "resource-based policy",
    ),
    (
        "not_principal_spares_listed_user_with_account",
        simulation(
            BOB_ELSEWHERE,
            "s3:GetObject",
            OBJECT,
            resource_account=ACCOUNT,
            identity_policies=[READ],
            resource_policy=policy(
                allow("s3:GetObject", f"{BUCKET}/*", Principal={"AWS": OTHER_ACCOUNT}),
                deny("s3:*", "*", NotPrincipal={"AWS": [BOB_ELSEWHERE, OTHER_ROOT]}),
            ),
        ),
        ALLOWED,
        None,
    ),
    (
        "not_principal_without_account_denies",
        simulation(
            BOB_ELSEWHERE,
            "s3:GetObject",
            OBJECT,
            resource_account=ACCOUNT,
            identity_policies=[READ],
            resource_policy=policy(
                allow("s3:GetObject", f"{BUCKET}/*", Principal={"AWS": OTHER_ACCOUNT}),
                deny("s3:*", "*", NotPrincipal={"AWS": [BOB_ELSEWHERE]}),
            ),
        ),
        EXPLICIT,
        "resource-based policy",
    ),
    (
        "not_principal_session_needs_role_and_account",
        simulation(
            OTHER_SESSION,
            "s3:GetObject",
            OBJECT,
            resource_account=ACCOUNT,
            identity_policies=[READ],
            resource_policy=policy(
                allow("s3:GetObject", f"{BUCKET}/*", Principal={"AWS": OTHER_ROLE}),
                deny("s3:*", "*", NotPrincipal={"AWS": [OTHER_SESSION, OTHER_ROLE, OTHER_ROOT]}),
            ),
        ),
        ALLOWED,
        None,
    ),
    (
        "not_principal_session_without_role_denies",
        simulation(
            OTHER_SESSION,
            "s3:GetObject",
            OBJECT,
            resource_account=ACCOUNT,
            identity_policies=[READ],
            resource_policy=policy(
                allow("s3:GetObject", f"{BUCKET}/*", Principal={"AWS": OTHER_ROLE}),
                deny("s3:*", "*", NotPrincipal={"AWS": [OTHER_SESSION, OTHER_ROOT]}),
            ),
        ),
        EXPLICIT,
        "resource-based policy",
    ),
    (
        "not_principal_deny_always_hits_bounded_principal",
        simulation(
            ALICE,
            "s3:GetObject",
            OBJECT,
            identity_policies=[READ],
            permission_boundary=READ_ALL,
            resource_policy=policy(
                deny("s3:*", "*", NotPrincipal={"AWS": [ALICE, f"arn:aws:iam::{ACCOUNT}:root"]})
            ),
        ),
        EXPLICIT,
        "resource-based policy",
    ),
    # Cross-account (IAM-FACTS 1.3).
    (
        "cross_account_needs_resource_policy",
        simulation(
            BOB_ELSEWHERE,
            "s3:GetObject",
            OBJECT,
            resource_account=ACCOUNT,
            identity_policies=[READ],
        ),
        IMPLICIT,
        "resource-based policy",
    ),
    (
        "cross_account_needs_identity_policy",
        simulation(
            BOB_ELSEWHERE,
            "s3:GetObject",
            OBJECT,
            resource_account=ACCOUNT,
            resource_policy=policy(
                allow("s3:GetObject", f"{BUCKET}/*", Principal={"AWS": BOB_ELSEWHERE})
            ),
        ),
        IMPLICIT,
        "identity-based policy",
    ),
    (
        "cross_account_both_allow",
        simulation(
            BOB_ELSEWHERE,
            "s3:GetObject",
            OBJECT,
            resource_account=ACCOUNT,
            identity_policies=[READ],
            resource_policy=policy(
                allow("s3:GetObject", f"{BUCKET}/*", Principal={"AWS": OTHER_ACCOUNT})
            ),
        ),
        ALLOWED,
        None,
    ),
    (
        "cross_account_account_root_arn_same_as_id",
        simulation(
            BOB_ELSEWHERE,
            "s3:GetObject",
            OBJECT,
            resource_account=ACCOUNT,
            identity_policies=[READ],
            resource_policy=policy(
                allow("s3:GetObject", f"{BUCKET}/*", Principal={"AWS": OTHER_ROOT})
            ),
        ),
        ALLOWED,
        None,
    ),
    (
        "cross_account_boundary_still_applies",
        simulation(
            BOB_ELSEWHERE,
            "s3:GetObject",
            OBJECT,
            resource_account=ACCOUNT,
            identity_policies=[READ],
            permission_boundary=NOTHING,
            resource_policy=policy(
                allow("s3:GetObject", f"{BUCKET}/*", Principal={"AWS": BOB_ELSEWHERE})
            ),
        ),
        IMPLICIT,
        "permissions boundary",
    ),
    (
        "cross_account_deny_in_resource_account",
        simulation(
            BOB_ELSEWHERE,
            "s3:GetObject",
            OBJECT,
            resource_account=ACCOUNT,
            identity_policies=[READ],
            resource_policy=policy(
                allow("s3:GetObject", f"{BUCKET}/*", Principal={"AWS": OTHER_ACCOUNT}),
                deny("s3:GetObject", f"{BUCKET}/*", Principal={"AWS": BOB_ELSEWHERE}),
            ),
        ),
        EXPLICIT,
        "resource-based policy",
    ),
    (
        "resource_account_from_arn",
        simulation(
            OTHER_SESSION,
            "iam:GetRole",
            ROLE,
            identity_policies=[policy(allow("iam:GetRole", "*"))],
        ),
        IMPLICIT,
        "resource-based policy",
    ),
    # Role trust policies.
    (
        "trust_names_user_no_identity_needed",
        simulation(ALICE, "sts:AssumeRole", ROLE, resource_policy=trust({"AWS": ALICE})),
        ALLOWED,
        None,
    ),
    (
        "trust_names_account_needs_identity",
        simulation(ALICE, "sts:AssumeRole", ROLE, resource_policy=trust({"AWS": ACCOUNT})),
        IMPLICIT,
        "identity-based policy",
    ),
    (
        "trust_names_account_and_identity_allows",
        simulation(
            ALICE,
            "sts:AssumeRole",
            ROLE,
            identity_policies=[ASSUME],
            resource_policy=trust({"AWS": ROOT}),
        ),
        ALLOWED,
        None,
    ),
    (
        "identity_alone_cannot_assume",
        simulation(ALICE, "sts:AssumeRole", ROLE, identity_policies=[ASSUME]),
        IMPLICIT,
        "role trust policy",
    ),
    (
        "trust_other_principal_denies",
        simulation(
            ALICE,
            "sts:AssumeRole",
            ROLE,
            identity_policies=[ASSUME],
            resource_policy=trust({"AWS": BOB_ELSEWHERE}),
        ),
        IMPLICIT,
        "role trust policy",
    ),
    (
        "trust_cross_account_needs_both",
        simulation(
            BOB_ELSEWHERE, "sts:AssumeRole", ROLE, resource_policy=trust({"AWS": OTHER_ACCOUNT})
        ),
        IMPLICIT,
        "identity-based policy",
    ),
    (
        "trust_cross_account_allowed",
        simulation(
            BOB_ELSEWHERE,
            "sts:AssumeRole",
            ROLE,
            identity_policies=[ASSUME],
            resource_policy=trust({"AWS": OTHER_ACCOUNT}),
        ),
        ALLOWED,
        None,
    ),
    (
        "trust_cross_account_named_user_still_needs_identity",
        simulation(
            BOB_ELSEWHERE, "sts:AssumeRole", ROLE, resource_policy=trust({"AWS": BOB_ELSEWHERE})
        ),
        IMPLICIT,
        "identity-based policy",
    ),
    (
        "trust_external_id_condition",
        simulation(
            BOB_ELSEWHERE,
            "sts:AssumeRole",
            ROLE,
            {"sts:ExternalId": "wrong"},
            identity_policies=[ASSUME],
            resource_policy=trust(
                {"AWS": OTHER_ACCOUNT}, Condition={"StringEquals": {"sts:ExternalId": "Unique1234"}}
            ),
        ),
        IMPLICIT,
        "role trust policy",
    ),
    (
        "trust_deny_statement",
        simulation(
            ALICE,
            "sts:AssumeRole",
            ROLE,
            resource_policy=policy(
                allow("sts:AssumeRole", None, Principal={"AWS": ALICE}),
                deny("sts:AssumeRole", None, Principal={"AWS": ALICE}),
            ),
        ),
        EXPLICIT,
        "role trust policy",
    ),
    (
        "trust_service_principal",
        simulation(LAMBDA, "sts:AssumeRole", ROLE, resource_policy=trust({"Service": LAMBDA})),
        ALLOWED,
        None,
    ),
    (
        "trust_other_service_denied",
        simulation(
            "ec2.amazonaws.com", "sts:AssumeRole", ROLE, resource_policy=trust({"Service": LAMBDA})
        ),
        IMPLICIT,
        "role trust policy",
    ),
    (
        "trust_web_identity",
        simulation(
            OIDC_PROVIDER,
            "sts:AssumeRoleWithWebIdentity",
            ROLE,
            {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
            resource_policy=trust(
                {"Federated": OIDC_PROVIDER},
                "sts:AssumeRoleWithWebIdentity",
                Condition={
                    "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}
                },
            ),
        ),
        ALLOWED,
        None,
    ),
    (
        "trust_web_identity_wrong_audience",
        simulation(
            OIDC_PROVIDER,
            "sts:AssumeRoleWithWebIdentity",
            ROLE,
            {"token.actions.githubusercontent.com:aud": "other"},
            resource_policy=trust(
                {"Federated": OIDC_PROVIDER},
                "sts:AssumeRoleWithWebIdentity",
                Condition={
                    "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}
                },
            ),
        ),
        IMPLICIT,
        "role trust policy",
    ),
    (
        "trust_saml",
        simulation(
            SAML_PROVIDER,
            "sts:AssumeRoleWithSAML",
            ROLE,
            {"SAML:aud": "https://signin.aws.amazon.com/saml"},
            resource_policy=trust(
                {"Federated": SAML_PROVIDER},
                "sts:AssumeRoleWithSAML",
                Condition={"StringEquals": {"saml:aud": "https://signin.aws.amazon.com/saml"}},
            ),
        ),
        ALLOWED,
        None,
    ),
    (
        "trust_tag_session_needs_trust_statement",
        simulation(
            ALICE,
            "sts:TagSession",
            ROLE,
            identity_policies=[policy(allow("sts:*"))],
            resource_policy=trust({"AWS": ALICE}),
        ),
        IMPLICIT,
        "role trust policy",
    ),
    (
        "trust_tag_session_allowed",
        simulation(
            ALICE,
            "sts:TagSession",
            ROLE,
            resource_policy=trust({"AWS": ALICE}, ["sts:AssumeRole", "sts:TagSession"]),
        ),
        ALLOWED,
        None,
    ),
    (
        "trust_role_chaining_session_named_by_role",
        simulation(
            SESSION,
            "sts:AssumeRole",
            f"arn:aws:iam::{ACCOUNT}:role/Other",
            {"aws:PrincipalArn": ROLE},
            resource_policy=trust({"AWS": ROLE}),
        ),
        ALLOWED,
        None,
    ),
    (
        "trust_mfa_condition_fails",
        simulation(
            ALICE,
            "sts:AssumeRole",
            ROLE,
            resource_policy=trust(
                {"AWS": ALICE}, Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}}
            ),
        ),
        IMPLICIT,
        "role trust policy",
    ),
    # Service principals and the root user.
    (
        "service_principal_resource_policy",
        simulation(
            "sns.amazonaws.com",
            "sqs:SendMessage",
            f"arn:aws:sqs:us-east-1:{ACCOUNT}:queue",
            resource_policy=policy(
                allow("sqs:SendMessage", "*", Principal={"Service": "sns.amazonaws.com"})
            ),
        ),
        ALLOWED,
        None,
    ),
    (
        "service_principal_ignores_identity_policies",
        simulation(
            "sns.amazonaws.com",
            "sqs:SendMessage",
            f"arn:aws:sqs:us-east-1:{ACCOUNT}:queue",
            identity_policies=[READ_ALL],
        ),
        IMPLICIT,
        "resource-based policy",
    ),
    ("root_has_full_access", simulation(ROOT, "s3:DeleteBucket", BUCKET), ALLOWED, None),
    (
        "root_still_needs_trust_policy",
        simulation(ROOT, "sts:AssumeRole", ROLE, resource_policy=trust({"AWS": ALICE})),
        IMPLICIT,
        "role trust policy",
    ),
    (
        "root_denied_by_resource_policy",
        simulation(
            ROOT,
            "s3:DeleteBucket",
            BUCKET,
            resource_policy=policy(deny("s3:DeleteBucket", BUCKET, Principal={"AWS": ACCOUNT})),
        ),
        EXPLICIT,
        "resource-based policy",
    ),
    (
        "root_limited_by_scp",
        simulation(
            ROOT, "s3:DeleteBucket", BUCKET, scps=[[policy(allow())], [policy(allow("ec2:*"))]]
        ),
        IMPLICIT,
        "service control policy",
    ),
    (
        "root_of_other_account_needs_resource_policy",
        simulation(OTHER_ROOT, "s3:GetObject", OBJECT, resource_account=ACCOUNT),
        IMPLICIT,
        "resource-based policy",
    ),
    # Organizations: SCPs and RCPs.
    (
        "scp_full_access_every_level",
        simulation(
            ALICE,
            "s3:GetObject",
            OBJECT,
            identity_policies=[READ],
            scps=[[policy(allow())], [policy(allow())]],
        ),
        ALLOWED,
        None,
    ),
    (
        "scp_every_level_must_allow",
        simulation(
            ALICE,
            "s3:GetObject",
            OBJECT,
            identity_policies=[READ],
            scps=[[policy(allow())], [policy(allow("ec2:*"))]],
        ),
        IMPLICIT,
        "service control policy",
    ),
    (
        "scp_any_policy_in_level_allows",
        simulation(
            ALICE,
            "s3:GetObject",
            OBJECT,
            identity_policies=[READ],
            scps=[[policy(allow())], [policy(allow("ec2:*")), policy(allow("s3:*"))]],
        ),
        ALLOWED,
        None,
    ),
    (
        "scp_explicit_deny",
        simulation(
            ALICE,
            "s3:GetObject",
            OBJECT,
            identity_policies=[READ],
            scps=[[policy(allow(), deny("s3:*"))]],
        ),
        EXPLICIT,
        "service control policy",
    ),
    (
        "scp_allow_grants_nothing",
        simulation(ALICE, "s3:GetObject", OBJECT, scps=[[policy(allow())]]),
        IMPLICIT,
        "identity-based policy",
    ),
    (
        "scp_does_not_restrict_resource_policy_for_service",
        simulation(
            LAMBDA,
            "sts:AssumeRole",
            ROLE,
            scps=[[policy(allow("ec2:*"))]],
            resource_policy=trust({"Service": LAMBDA}),
        ),
        ALLOWED,
        None,
    ),
    (
        "scp_does_not_apply_to_service_linked_role",
        simulation(
            f"arn:aws:sts::{ACCOUNT}:assumed-role/AWSServiceRoleForSupport/x",
            "s3:GetObject",
            OBJECT,
            {"aws:PrincipalArn": SERVICE_LINKED_ROLE},
            identity_policies=[READ],
            scps=[[policy(deny("*"))]],
        ),
        ALLOWED,
        None,
    ),
    (
        "rcp_full_access_implied",
        simulation(
            ALICE,
            "s3:GetObject",
            OBJECT,
            identity_policies=[READ],
            rcps=[[policy(deny("s3:PutObject", "*", Principal="*"))]],
        ),
        ALLOWED,
        None,
    ),
    (
        "rcp_deny",
        simulation(
            BOB_ELSEWHERE,
            "s3:GetObject",
            OBJECT,
            resource_account=ACCOUNT,
            identity_policies=[READ],
            resource_policy=policy(
                allow("s3:GetObject", f"{BUCKET}/*", Principal={"AWS": OTHER_ACCOUNT})
            ),
            rcps=[
                [
                    policy(
                        deny(
                            "s3:*",
                            "*",
                            Principal="*",
                            Condition={
                                "StringNotEqualsIfExists": {"aws:PrincipalAccount": ACCOUNT}
                            },
                        )
                    )
                ]
            ],
        ),
        EXPLICIT,
        "resource control policy",
    ),
    (
        "rcp_spares_own_account",
        simulation(
            ALICE,
            "s3:GetObject",
            OBJECT,
            identity_policies=[READ],
            rcps=[
                [
                    policy(
                        deny(
                            "s3:*",
                            "*",
                            Principal="*",
                            Condition={
                                "StringNotEqualsIfExists": {"aws:PrincipalAccount": ACCOUNT}
                            },
                        )
                    )
                ]
            ],
        ),
        ALLOWED,
        None,
    ),
    # VPC endpoint policies.
    (
        "endpoint_policy_allows",
        simulation(
            ALICE,
            "s3:GetObject",
            OBJECT,
            identity_policies=[READ],
            endpoint_policy=policy(allow("s3:GetObject", "*", Principal="*")),
        ),
        ALLOWED,
        None,
    ),
    (
        "endpoint_policy_must_allow",
        simulation(
            ALICE,
            "s3:GetObject",
            OBJECT,
            identity_policies=[READ],
            endpoint_policy=policy(allow("s3:ListBucket", "*", Principal="*")),
        ),
        IMPLICIT,
        "VPC endpoint policy",
    ),
    (
        "endpoint_policy_deny",
        simulation(
            ALICE,
            "s3:GetObject",
            OBJECT,
            identity_policies=[READ],
            endpoint_policy=policy(
                allow("*", "*", Principal="*"), deny("s3:GetObject", "*", Principal="*")
            ),
        ),
        EXPLICIT,
        "VPC endpoint policy",
    ),
    # KMS key policies must allow explicitly, like trust policies (IAM-FACTS 1.1 step 4).
    (
        "kms_key_policy_naming_account_enables_identity_policies",
        simulation(
            ALICE,
            "kms:Decrypt",
            KEY,
            identity_policies=[DECRYPT],
            resource_policy=policy(allow("kms:*", "*", Principal={"AWS": ROOT})),
        ),
        ALLOWED,
        None,
    ),
    (
        "kms_identity_policy_alone_is_not_enough",
        simulation(
            ALICE,
            "kms:Decrypt",
            KEY,
            identity_policies=[DECRYPT],
            resource_policy=policy(allow("kms:*", "*", Principal={"AWS": BOB_ELSEWHERE})),
        ),
        IMPLICIT,
        "resource-based policy",
    ),
    (
        "kms_key_policy_naming_user_needs_no_identity_policy",
        simulation(
            ALICE,
            "kms:Decrypt",
            KEY,
            resource_policy=policy(allow("kms:Decrypt", "*", Principal={"AWS": ALICE})),
        ),
        ALLOWED,
        None,
    ),
]


@pytest.mark.parametrize(
    ("document", "decision", "denied_by"),
    [pytest.param(doc, decision, denied, id=name) for name, doc, decision, denied in CASES],
)
def test_decision_matches_aws(document: dict, decision: str, denied_by: str | None) -> None:
    result = simulate(document)
    assert "error" not in result, result.get("error")
    assert result["decision"] == decision
    denial = result["explanation"]["denied_by"]
    assert (denial["policy_type"] if denial else None) == denied_by
    if decision == "ExplicitlyDenied":
        assert denial["explicit"] is True
    elif decision == "ImplicitlyDenied":
        assert denial["explicit"] is False


def test_get_caller_identity_needs_no_permission() -> None:
    # IAM-FACTS 4.2: no permission needed, and an explicit deny does not block it.
    document = simulation(
        ALICE, "sts:GetCallerIdentity", "*", identity_policies=[policy(deny("*", "*"))]
    )
    result = simulate(document)
    assert result["decision"] == "Allowed"
    explanation = result["explanation"]
    assert explanation["permission_required"] is False
    assert explanation["denied_by"] is None
    assert {step["result"] for step in explanation["steps"]} == {"Skipped"}
    assert explanation["steps"][0]["note"] == (
        "Not checked: AWS performs sts:GetCallerIdentity without checking any permission."
    )
