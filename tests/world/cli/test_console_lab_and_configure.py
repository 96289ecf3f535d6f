"""The lab helpers (MFA codes, IdP tokens) and `aws configure`."""

from __future__ import annotations

from iamlab.world import World
from iamlab.world.cli import Console
from iamlab.world.cli.lab import LAB_USAGE
from iamlab.world.examples import OIDC_PROVIDER_ARN, SAML_PROVIDER_ARN
from tests.cast import PUBLISHER
from tests.world.cli.expected import unknown, usage


def test_lab_mfa_code_follows_the_world_clock(console: Console, world: World) -> None:
    serial = "arn:aws:iam::111122223333:mfa/alice"
    first = console.run("lab mfa-code alice").stdout
    assert first == world.mfa_code(serial) + "\n"
    assert console.run(f"lab mfa-code {serial}").stdout == first
    console.run("sleep 30")
    assert console.run("lab mfa-code alice").stdout == world.mfa_code(serial) + "\n"


def test_lab_errors_are_one_line(console: Console) -> None:
    assert console.run("lab mfa-code carol").stderr == "lab: the user carol has no MFA device\n"
    assert console.run("lab mfa-code bob").stderr == "lab: there is no IAM user named bob\n"
    assert console.run("lab web-identity-token example.com sub").stderr == (
        "lab: there is no OIDC identity provider example.com\n"
    )
    result = console.run("lab fly")
    assert (result.exit_code, result.stderr) == (2, "lab: wrong arguments for 'fly'\n" + LAB_USAGE)
    assert console.run("lab").stderr == LAB_USAGE


def test_lab_web_identity_token_is_a_jwt_for_the_provider(console: Console, world: World) -> None:
    token = console.run(f"lab web-identity-token {OIDC_PROVIDER_ARN} repo:x:ref:main").stdout
    assert token == world.mint_web_identity_token(OIDC_PROVIDER_ARN, "repo:x:ref:main") + "\n"
    assert token.count(".") == 2


def test_configure_set_and_get_round_trip(console: Console) -> None:
    assert console.run(f"aws configure set role_arn {PUBLISHER} --profile pub").stdout == ""
    assert console.run("aws configure get role_arn --profile pub").stdout == f"{PUBLISHER}\n"
    assert console.run("aws configure set profile.pub.region eu-west-1").exit_code == 0
    assert console.run("aws configure get region --profile pub").stdout == "eu-west-1\n"
    missing = console.run("aws configure get external_id --profile pub")
    assert (missing.exit_code, missing.stdout) == (1, "")


def test_configure_set_refuses_settings_it_does_not_know(console: Console) -> None:
    result = console.run("aws configure set cli_pager less")
    assert result.exit_code == 252
    assert result.stderr == (
        "\nThe setting 'cli_pager' has no effect in this simulated CLI. It knows: "
        "aws_access_key_id, aws_secret_access_key, aws_session_token, region, output, role_arn, "
        "source_profile, role_session_name, external_id, mfa_serial, duration_seconds, "
        "web_identity_token_file.\n"
    )


def test_configure_usage_errors(console: Console) -> None:
    assert console.run("aws configure set region").stderr == usage(
        "the following arguments are required: value"
    )
    assert console.run("aws configure list extra").stderr == unknown("extra")
    interactive = console.run("aws configure")
    assert (interactive.exit_code, interactive.stderr) == (
        252,
        "\nThis simulated shell cannot prompt for values: use aws configure set NAME VALUE "
        "[--profile PROFILE] instead.\n",
    )


def test_lambda_needs_a_region_like_the_real_cli(console: Console) -> None:
    console.run("unset AWS_DEFAULT_REGION")
    result = console.run(
        "aws lambda get-function-configuration --function-name report-builder --profile carol"
    )
    assert (result.exit_code, result.stderr) == (
        253,
        '\nYou must specify a region. You can also configure your region by running "aws '
        'configure".\n',
    )
    with_region = console.run(
        "aws lambda get-function-configuration --function-name report-builder --profile carol "
        "--region us-east-1 --query Role --output text"
    )
    assert with_region.stdout == ("arn:aws:iam::111122223333:role/service-role/lambda-role\n")


def test_invoke_payload_is_base64_unless_raw_format_is_chosen(
    console: Console, world: World
) -> None:
    bad = console.run(
        "aws lambda invoke --function-name report-builder --payload '{\"a\": 1}' out.json "
        "--profile carol"
    )
    assert (bad.exit_code, bad.stderr) == (252, '\nInvalid base64: "{"a": 1}"\n')
    console.run(
        "aws lambda invoke --function-name report-builder --payload '{\"a\": 1}' "
        "--cli-binary-format raw-in-base64-out out.json --profile carol"
    )
    invoke = [event for event in world.events if event.operation == "Invoke"][-1]
    assert invoke.params["Payload"] == '{"a": 1}'


# The IAM User Guide's SAML walkthrough ("Configure SAML assertions for the authentication
# response", id_roles_providers_create_saml_assertions / the AWS CLI reference for
# assume-role-with-saml) saves the base64 SAML response to a file and passes it with
# `--saml-assertion file://samlresponse.log`; the CLI sends the file's content as it is,
# trailing newline included, and STS accepts it. The same holds for `--web-identity-token
# file://token` (the CLI reference for assume-role-with-web-identity).
CORP_READERS_ARN = "arn:aws:iam::111122223333:role/CorpReportReaders"
DEPLOY_ARN = "arn:aws:iam::111122223333:role/GitHubActionsDeploy"
MAIN_BRANCH = "repo:example-org/reports:ref:refs/heads/main"


def test_a_saved_web_identity_token_works_through_file_url(console: Console, world: World) -> None:
    console.run(f"lab web-identity-token {OIDC_PROVIDER_ARN} {MAIN_BRANCH} > tok")
    assert console.run("cat tok").stdout.endswith("\n")
    result = console.run(
        f"aws sts assume-role-with-web-identity --role-arn {DEPLOY_ARN} "
        "--role-session-name ci-42 --web-identity-token file://tok --query AssumedRoleUser.Arn "
        "--output text"
    )
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == "arn:aws:sts::111122223333:assumed-role/GitHubActionsDeploy/ci-42\n"
    assert world.events[-1].error is None


def test_a_saved_saml_assertion_works_through_file_url(console: Console, world: World) -> None:
    console.run(f"lab saml-assertion {SAML_PROVIDER_ARN} bob {CORP_READERS_ARN} > saml.b64")
    assert console.run("cat saml.b64").stdout.endswith("\n")
    result = console.run(
        f"aws sts assume-role-with-saml --role-arn {CORP_READERS_ARN} "
        f"--principal-arn {SAML_PROVIDER_ARN} --saml-assertion file://saml.b64 "
        "--query AssumedRoleUser.Arn --output text"
    )
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == "arn:aws:sts::111122223333:assumed-role/CorpReportReaders/bob\n"


def test_a_saved_token_edited_by_hand_still_fails(console: Console) -> None:
    console.run("echo not-a-token > tok")
    result = console.run(
        f"aws sts assume-role-with-web-identity --role-arn {DEPLOY_ARN} "
        "--role-session-name ci-42 --web-identity-token file://tok"
    )
    assert result.exit_code == 254
    assert "(InvalidIdentityToken)" in result.stderr
