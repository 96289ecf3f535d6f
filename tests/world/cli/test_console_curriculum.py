"""The flows of CURRICULUM.md, each typed as a short sequence of console commands."""

from __future__ import annotations

import json

from iamlab.world import World
from iamlab.world.cli import Console
from iamlab.world.examples import OIDC_PROVIDER_ARN, OIDC_URL, SAML_PROVIDER_ARN
from tests.cast import ACCOUNT, ALICE, LAMBDA_ADMIN_ROLE, LAMBDA_ROLE, PUBLISHER

ASSUME_PUBLISHER = (
    f"aws sts assume-role --role-arn {PUBLISHER} --role-session-name alice-publishing"
)


def assume_and_export(console: Console) -> dict[str, str]:
    """Assume ReportPublisher as alice and export the temporary credentials."""
    result = console.run(f"{ASSUME_PUBLISHER} --profile alice")
    assert result.exit_code == 0
    credentials = json.loads(result.stdout)["Credentials"]
    console.run(
        f"export AWS_ACCESS_KEY_ID={credentials['AccessKeyId']} "
        f"AWS_SECRET_ACCESS_KEY={credentials['SecretAccessKey']} "
        f"AWS_SESSION_TOKEN={credentials['SessionToken']}"
    )
    return credentials


def test_alice_reads_a_report_with_her_long_term_key(console: Console) -> None:
    console.run("export AWS_PROFILE=alice")
    assert console.run("aws s3 ls s3://example-reports").stdout == (
        "2026-01-05 09:00:00         23 q1.csv\n2026-01-05 09:00:00         23 q2.csv\n"
    )
    result = console.run("aws s3 cp s3://example-reports/q1.csv -")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "quarter,revenue\nQ1,100\n", "")


def test_alice_cannot_publish_with_her_own_permissions(console: Console) -> None:
    console.run("export AWS_PROFILE=alice")
    console.run("echo quarter,revenue > q3.csv")
    result = console.run("aws s3 cp q3.csv s3://example-reports/q3.csv")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "upload failed: q3.csv to s3://example-reports/q3.csv An error occurred (AccessDenied) "
        f"when calling the PutObject operation: User: {ALICE} is not authorized to perform: "
        's3:PutObject on resource: "arn:aws:s3:::example-reports/q3.csv" because no '
        "identity-based policy allows the s3:PutObject action\n"
    )
    api = console.run("aws s3api put-object --bucket example-reports --key q3.csv --body q3.csv")
    assert api.exit_code == 254
    assert api.stderr.startswith(
        "\nAn error occurred (AccessDenied) when calling the PutObject operation: User: "
    )


def test_assumed_role_credentials_replace_alices_permissions(
    console: Console, world: World
) -> None:
    credentials = assume_and_export(console)
    assert credentials["AccessKeyId"].startswith("ASIA")
    assert credentials["Expiration"] == "2026-01-05T10:00:00+00:00"
    console.run("echo quarter,revenue > q3.csv")
    result = console.run("aws s3 cp q3.csv s3://example-reports/q3.csv")
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        "upload: q3.csv to s3://example-reports/q3.csv\n",
        "",
    )
    role_id = world.accounts[ACCOUNT].roles["reportpublisher"].role_id
    assert json.loads(console.run("aws sts get-caller-identity").stdout) == {
        "UserId": f"{role_id}:alice-publishing",
        "Account": ACCOUNT,
        "Arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/ReportPublisher/alice-publishing",
    }


def test_temporary_credentials_expire_on_the_world_clock(console: Console) -> None:
    assume_and_export(console)
    console.run("sleep 3601")
    result = console.run("aws sts get-caller-identity")
    assert (result.exit_code, result.stdout) == (254, "")
    assert result.stderr == (
        "\nAn error occurred (ExpiredToken) when calling the GetCallerIdentity operation: "
        "The security token included in the request is expired\n"
    )
    console.run("unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN")
    fresh = console.run(f"{ASSUME_PUBLISHER} --profile alice --query Credentials.Expiration")
    assert fresh.stdout == '"2026-01-05T11:00:01+00:00"\n'


def test_the_role_alone_cannot_do_what_only_alice_may(console: Console) -> None:
    assume_and_export(console)
    result = console.run("aws lambda get-function-configuration --function-name report-builder")
    assert result.exit_code == 254
    assert result.stderr.startswith(
        "\nAn error occurred (AccessDeniedException) when calling the GetFunctionConfiguration "
        f"operation: User: arn:aws:sts::{ACCOUNT}:assumed-role/ReportPublisher/alice-publishing "
        "is not authorized to perform: lambda:GetFunctionConfiguration"
    )


def test_alice_cannot_pass_the_admin_role_to_the_function(console: Console, world: World) -> None:
    result = console.run(
        "aws lambda update-function-configuration --function-name report-builder "
        f"--role {LAMBDA_ADMIN_ROLE} --profile alice"
    )
    assert result.exit_code == 254
    assert result.stderr == (
        "\nAn error occurred (AccessDeniedException) when calling the "
        f"UpdateFunctionConfiguration operation: User: {ALICE} is not authorized to "
        f"perform: iam:PassRole on resource: {LAMBDA_ADMIN_ROLE} because no "
        "identity-based policy allows the iam:PassRole action\n"
    )
    function = world.accounts[ACCOUNT].lambda_functions["report-builder"]
    assert function.role_arn == LAMBDA_ROLE


def test_the_function_runs_as_its_execution_role_and_carol_may_switch_it(
    console: Console, world: World
) -> None:
    console.run("export AWS_PROFILE=carol")
    before = console.run("aws lambda invoke --function-name report-builder out.json")
    assert json.loads(before.stdout) == {
        "StatusCode": 200,
        "FunctionError": "Unhandled",
        "ExecutedVersion": "$LATEST",
    }
    assert json.loads(console.run("cat out.json").stdout)["errorMessage"] == (
        "An error occurred (AccessDenied) when calling the PutObject operation: User: "
        f"arn:aws:sts::{ACCOUNT}:assumed-role/lambda-role/report-builder is not authorized to "
        'perform: s3:PutObject on resource: "arn:aws:s3:::example-reports/daily.csv" because no '
        "identity-based policy allows the s3:PutObject action"
    )
    switched = console.run(
        "aws lambda update-function-configuration --function-name report-builder "
        f"--role {LAMBDA_ADMIN_ROLE} --query Role --output text"
    )
    assert (switched.exit_code, switched.stdout) == (0, f"{LAMBDA_ADMIN_ROLE}\n")
    after = console.run("aws lambda invoke --function-name report-builder out.json")
    assert json.loads(after.stdout) == {"StatusCode": 200, "ExecutedVersion": "$LATEST"}
    service_assume = [event for event in world.events if event.caller.credential_type == "service"]
    assert [(event.operation, event.params["RoleArn"]) for event in service_assume] == [
        ("AssumeRole", LAMBDA_ROLE),
        ("AssumeRole", LAMBDA_ADMIN_ROLE),
    ]
    assert console.run("aws s3 cp s3://example-reports/daily.csv -").stdout == (
        "day,total\n2026-01-05,220\n"
    )


def test_a_federated_ci_job_assumes_a_role_with_a_web_identity_token(console: Console) -> None:
    token = console.run(
        "lab web-identity-token token.actions.githubusercontent.com "
        "repo:example-org/reports:ref:refs/heads/main"
    ).stdout.strip()
    # No credentials at all: AssumeRoleWithWebIdentity is not signed.
    result = console.run(
        f"aws sts assume-role-with-web-identity --role-arn arn:aws:iam::{ACCOUNT}:role/"
        f"GitHubActionsDeploy --role-session-name ci-run --web-identity-token {token} "
        "--query '[AssumedRoleUser.Arn, SubjectFromWebIdentityToken, Provider, Audience]' "
        "--output text"
    )
    assert result.stdout == (
        f"arn:aws:sts::{ACCOUNT}:assumed-role/GitHubActionsDeploy/ci-run\t"
        "repo:example-org/reports:ref:refs/heads/main\t"
        f"{OIDC_URL}\tsts.amazonaws.com\n"
    )


def test_a_token_for_another_branch_is_rejected(console: Console) -> None:
    token = console.run(
        f"lab web-identity-token {OIDC_PROVIDER_ARN} repo:example-org/reports:ref:refs/heads/dev"
    ).stdout.strip()
    result = console.run(
        f"aws sts assume-role-with-web-identity --role-arn arn:aws:iam::{ACCOUNT}:role/"
        f"GitHubActionsDeploy --role-session-name ci-run --web-identity-token {token}"
    )
    assert result.exit_code == 254
    assert result.stderr.startswith(
        "\nAn error occurred (AccessDenied) when calling the AssumeRoleWithWebIdentity operation: "
    )


def test_an_employee_signs_in_through_saml(console: Console) -> None:
    role = f"arn:aws:iam::{ACCOUNT}:role/CorpReportReaders"
    assertion = console.run(f"lab saml-assertion ExampleCorpIdP jdoe {role}").stdout.strip()
    result = console.run(
        f"aws sts assume-role-with-saml --role-arn {role} --principal-arn {SAML_PROVIDER_ARN} "
        f"--saml-assertion {assertion} --query AssumedRoleUser.Arn --output text"
    )
    assert (result.exit_code, result.stdout) == (
        0,
        f"arn:aws:sts::{ACCOUNT}:assumed-role/CorpReportReaders/jdoe\n",
    )


def test_get_session_token_with_mfa_keeps_alices_permissions(console: Console) -> None:
    serial = f"arn:aws:iam::{ACCOUNT}:mfa/alice"
    code = console.run("lab mfa-code alice").stdout.strip()
    result = console.run(
        f"aws sts get-session-token --serial-number {serial} --token-code {code} --profile alice"
    )
    credentials = json.loads(result.stdout)["Credentials"]
    assert credentials["Expiration"] == "2026-01-05T21:00:00+00:00"
    console.run(
        f"export AWS_ACCESS_KEY_ID={credentials['AccessKeyId']} "
        f"AWS_SECRET_ACCESS_KEY={credentials['SecretAccessKey']} "
        f"AWS_SESSION_TOKEN={credentials['SessionToken']}"
    )
    assert console.run("aws sts get-caller-identity --query Arn --output text").stdout == (
        f"{ALICE}\n"
    )
