"""Which credentials `aws` signs with: --profile, then environment variables, then AWS_PROFILE."""

from __future__ import annotations

import json

from iamlab.world import World
from iamlab.world.cli import Console
from iamlab.world.examples import ALICE_KEY_ID, ALICE_SECRET, CAROL_KEY_ID, CAROL_SECRET
from tests.cast import ACCOUNT, ALICE, CAROL, PUBLISHER
from tests.world.cli.expected import NO_CREDENTIALS

WHO = "aws sts get-caller-identity --query Arn --output text"
EXPORT_CAROL = f"export AWS_ACCESS_KEY_ID={CAROL_KEY_ID} AWS_SECRET_ACCESS_KEY={CAROL_SECRET}"


def assume_role_calls(world: World) -> list[str]:
    return [
        event.params["RoleSessionName"]
        for event in world.events
        if event.operation == "AssumeRole" and event.error is None
    ]


def test_without_any_credentials_the_cli_says_so_with_exit_253(console: Console) -> None:
    result = console.run(WHO)
    assert (result.exit_code, result.stdout, result.stderr) == (253, "", NO_CREDENTIALS)


def test_every_user_with_an_access_key_is_a_profile(console: Console) -> None:
    assert console.run(f"{WHO} --profile alice").stdout == f"{ALICE}\n"
    assert console.run(f"{WHO} --profile carol").stdout == f"{CAROL}\n"
    assert console.run("aws configure list-profiles").stdout == "alice\ncarol\n"


def test_an_unknown_profile_is_a_configuration_error(console: Console) -> None:
    result = console.run(f"{WHO} --profile mallory")
    assert (result.exit_code, result.stderr) == (
        253,
        "\nThe config profile (mallory) could not be found\n",
    )
    console.run("export AWS_PROFILE=mallory")
    assert console.run(WHO).stderr == "\nThe config profile (mallory) could not be found\n"


def test_aws_profile_selects_the_profile(console: Console) -> None:
    console.run("export AWS_PROFILE=alice")
    assert console.run(WHO).stdout == f"{ALICE}\n"


def test_environment_keys_beat_aws_profile(console: Console) -> None:
    console.run("export AWS_PROFILE=alice")
    console.run(EXPORT_CAROL)
    assert console.run(WHO).stdout == f"{CAROL}\n"


def test_an_explicit_profile_beats_environment_keys(console: Console) -> None:
    console.run(EXPORT_CAROL)
    assert console.run(f"{WHO} --profile alice").stdout == f"{ALICE}\n"


def test_unset_environment_keys_fall_back_to_the_profile(console: Console) -> None:
    console.run("export AWS_PROFILE=alice")
    console.run(EXPORT_CAROL)
    console.run("unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY")
    assert console.run(WHO).stdout == f"{ALICE}\n"


def test_variables_that_are_not_exported_are_not_credentials(console: Console) -> None:
    console.run(f"AWS_ACCESS_KEY_ID={CAROL_KEY_ID}")
    console.run(f"AWS_SECRET_ACCESS_KEY={CAROL_SECRET}")
    assert console.run(WHO).stderr == NO_CREDENTIALS


def test_half_a_key_in_the_environment_is_reported(console: Console) -> None:
    console.run(f"export AWS_ACCESS_KEY_ID={ALICE_KEY_ID}")
    result = console.run(WHO)
    assert (result.exit_code, result.stderr) == (
        253,
        "\nPartial credentials found in env, missing: AWS_SECRET_ACCESS_KEY\n",
    )


def test_a_wrong_secret_is_rejected_by_the_world(console: Console) -> None:
    console.run(f"export AWS_ACCESS_KEY_ID={ALICE_KEY_ID} AWS_SECRET_ACCESS_KEY=wrong")
    result = console.run(WHO)
    assert result.exit_code == 254
    assert result.stderr == (
        "\nAn error occurred (SignatureDoesNotMatch) when calling the GetCallerIdentity "
        "operation: The request signature we calculated does not match the signature you "
        "provided. Check your AWS Secret Access Key and signing method. Consult the service "
        "documentation for details.\n"
    )


def test_configured_static_keys_make_a_profile(console: Console) -> None:
    console.run(f"aws configure set aws_access_key_id {CAROL_KEY_ID} --profile ops")
    console.run(f"aws configure set aws_secret_access_key {CAROL_SECRET} --profile ops")
    assert console.run(f"{WHO} --profile ops").stdout == f"{CAROL}\n"
    assert console.run("aws configure get aws_access_key_id --profile ops").stdout == (
        f"{CAROL_KEY_ID}\n"
    )


def configure_publisher(console: Console) -> None:
    console.run(f"aws configure set role_arn {PUBLISHER} --profile publisher")
    console.run("aws configure set source_profile alice --profile publisher")


def test_a_role_profile_assumes_the_role_on_first_use(console: Console, world: World) -> None:
    configure_publisher(console)
    result = console.run(f"{WHO} --profile publisher")
    # Without role_session_name, the CLI names the session after the current Unix time.
    assert result.stdout == (
        f"arn:aws:sts::{ACCOUNT}:assumed-role/ReportPublisher/botocore-session-1767603600\n"
    )
    assert assume_role_calls(world) == ["botocore-session-1767603600"]
    source = next(event for event in world.events if event.operation == "AssumeRole")
    assert source.caller.principal_arn == ALICE


def test_a_role_profile_reuses_its_credentials_until_close_to_expiry(
    console: Console, world: World
) -> None:
    configure_publisher(console)
    console.run("aws configure set role_session_name alice-publishing --profile publisher")
    console.run(f"{WHO} --profile publisher")
    console.run("sleep 2600")
    console.run(f"{WHO} --profile publisher")
    assert assume_role_calls(world) == ["alice-publishing"]
    # Within 15 minutes of expiring, the CLI assumes the role again before the call.
    console.run("sleep 200")
    assert console.run(f"{WHO} --profile publisher").exit_code == 0
    assert assume_role_calls(world) == ["alice-publishing", "alice-publishing"]


def test_a_role_profile_assumes_again_after_expiry(console: Console, world: World) -> None:
    configure_publisher(console)
    console.run("export AWS_PROFILE=publisher")
    first = console.run("aws configure export-credentials")
    console.run("sleep 3601")
    assert console.run(WHO).exit_code == 0
    second = console.run("aws configure export-credentials")
    assert json.loads(first.stdout)["AccessKeyId"] != json.loads(second.stdout)["AccessKeyId"]
    assert json.loads(second.stdout)["Expiration"] == "2026-01-05T11:00:01+00:00"
    assert len(assume_role_calls(world)) == 2


def test_a_role_profile_the_source_may_not_assume_fails_like_assume_role(console: Console) -> None:
    console.run(f"aws configure set role_arn {PUBLISHER} --profile carol-publisher")
    console.run("aws configure set source_profile carol --profile carol-publisher")
    result = console.run(f"{WHO} --profile carol-publisher")
    assert result.exit_code == 254
    assert result.stderr == (
        "\nAn error occurred (AccessDenied) when calling the AssumeRole operation: User: "
        f"{CAROL} is not authorized to perform: sts:AssumeRole on resource: {PUBLISHER} "
        "because no role trust policy allows the sts:AssumeRole action\n"
    )


def test_a_role_profile_with_a_missing_source_profile_is_a_config_error(console: Console) -> None:
    console.run(f"aws configure set role_arn {PUBLISHER} --profile p")
    console.run("aws configure set source_profile ghost --profile p")
    result = console.run(f"{WHO} --profile p")
    assert (result.exit_code, result.stderr) == (
        253,
        '\nThe source_profile "ghost" referenced in the profile "p" does not exist.\n',
    )


def test_a_loop_of_role_profiles_is_detected(console: Console) -> None:
    for profile, source in (("a", "b"), ("b", "a")):
        console.run(f"aws configure set role_arn {PUBLISHER} --profile {profile}")
        console.run(f"aws configure set source_profile {source} --profile {profile}")
    result = console.run(f"{WHO} --profile a")
    assert (result.exit_code, result.stderr) == (
        253,
        "\nInfinite loop in credential configuration detected: a -> b -> a\n",
    )


def test_an_mfa_role_profile_prompts_and_the_next_line_is_the_code(
    console: Console, world: World
) -> None:
    configure_publisher(console)
    serial = f"arn:aws:iam::{ACCOUNT}:mfa/alice"
    console.run(f"aws configure set mfa_serial {serial} --profile publisher")
    code = console.run("lab mfa-code alice").stdout.strip()
    assert code == world.mfa_code(serial)
    prompt = console.run(f"{WHO} --profile publisher")
    assert (prompt.exit_code, prompt.stdout) == (0, f"Enter MFA code for {serial}: ")
    assert assume_role_calls(world) == []
    result = console.run(code)
    assert result.stdout == (
        f"arn:aws:sts::{ACCOUNT}:assumed-role/ReportPublisher/botocore-session-1767603600\n"
    )
    assume = [event for event in world.events if event.operation == "AssumeRole"][-1]
    assert (assume.params["SerialNumber"], assume.params["TokenCode"]) == (serial, code)


def test_a_wrong_mfa_code_fails_the_assume_role(console: Console) -> None:
    configure_publisher(console)
    console.run(
        f"aws configure set mfa_serial arn:aws:iam::{ACCOUNT}:mfa/alice --profile publisher"
    )
    console.run(f"{WHO} --profile publisher")
    result = console.run("000000")
    assert result.exit_code == 254
    assert result.stderr == (
        "\nAn error occurred (AccessDenied) when calling the AssumeRole operation: "
        "MultiFactorAuthentication failed with invalid MFA one time pass code. \n"
    )
    short = console.run(f"{WHO} --profile publisher")
    assert short.stdout.startswith("Enter MFA code for")
    assert console.run("12").stderr == (
        "\nParameter validation failed:\n"
        "Invalid length for parameter TokenCode, value: 2, valid min length: 6\n"
    )


def test_configure_list_shows_where_each_value_comes_from(console: Console) -> None:
    console.run(f"export AWS_ACCESS_KEY_ID={ALICE_KEY_ID} AWS_SECRET_ACCESS_KEY={ALICE_SECRET}")
    assert console.run("aws configure list").stdout == (
        "      Name                    Value             Type    Location\n"
        "      ----                    -----             ----    --------\n"
        "   profile                <not set>             None    None\n"
        "access_key     ****************0001              env    AWS_ACCESS_KEY_ID\n"
        f"secret_key     ****************{ALICE_SECRET[-4:]}              env    "
        "AWS_SECRET_ACCESS_KEY\n"
        "    region                us-east-1              env    AWS_DEFAULT_REGION\n"
    )
    listed = console.run("aws configure list --profile carol --region eu-west-1").stdout
    assert listed.splitlines()[2:] == [
        "   profile                    carol           manual    --profile",
        f"access_key     ****************{CAROL_KEY_ID[-4:]} shared-credentials-file    ",
        f"secret_key     ****************{CAROL_SECRET[-4:]} shared-credentials-file    ",
        "    region                eu-west-1           manual    --region",
    ]


def test_export_credentials_prints_env_lines_for_the_profile(console: Console) -> None:
    assert console.run("aws configure export-credentials --profile alice --format env").stdout == (
        f"export AWS_ACCESS_KEY_ID={ALICE_KEY_ID}\nexport AWS_SECRET_ACCESS_KEY={ALICE_SECRET}\n"
    )


def test_lab_whoami_describes_the_credentials_without_calling_aws(
    console: Console, world: World
) -> None:
    console.run("export AWS_PROFILE=alice")
    assert console.run("lab whoami").stdout == (
        f"{ALICE_KEY_ID}: long-term credentials from the profile alice\n"
    )
    configure_publisher(console)
    console.run("export AWS_PROFILE=publisher")
    assert console.run("lab whoami").stdout == (
        f"the role profile publisher: the next aws command assumes {PUBLISHER} with the "
        "credentials of the profile alice\n"
    )
    assert world.events == []


DEPLOY_ARN = f"arn:aws:iam::{ACCOUNT}:role/GitHubActionsDeploy"
MAIN_BRANCH = "repo:example-org/reports:ref:refs/heads/main"


def test_web_identity_variables_log_in_like_a_ci_job(console: Console, world: World) -> None:
    console.run(
        f"lab web-identity-token token.actions.githubusercontent.com {MAIN_BRANCH} > token.jwt"
    )
    console.run(
        f"export AWS_ROLE_ARN={DEPLOY_ARN} AWS_WEB_IDENTITY_TOKEN_FILE=token.jwt "
        "AWS_ROLE_SESSION_NAME=deploy-42"
    )
    assert console.run("lab whoami").stdout == (
        f"web identity: the next aws command assumes {DEPLOY_ARN} with the token in token.jwt\n"
    )
    assert console.run(WHO).stdout == (
        f"arn:aws:sts::{ACCOUNT}:assumed-role/GitHubActionsDeploy/deploy-42\n"
    )
    console.run(WHO)
    calls = [event for event in world.events if event.operation == "AssumeRoleWithWebIdentity"]
    assert len(calls) == 1
    assert calls[0].caller.credential_type == "anonymous"


def test_a_web_identity_profile_and_a_missing_token_file(console: Console) -> None:
    console.run(f"aws configure set role_arn {DEPLOY_ARN} --profile ci")
    console.run("aws configure set web_identity_token_file ci.jwt --profile ci")
    result = console.run(f"{WHO} --profile ci")
    assert (result.exit_code, result.stderr) == (
        253,
        "\nUnable to read the web identity token file ci.jwt: No such file or directory\n",
    )
    console.run(
        f"lab web-identity-token token.actions.githubusercontent.com {MAIN_BRANCH} > ci.jwt"
    )
    assert console.run(f"{WHO} --profile ci").stdout == (
        f"arn:aws:sts::{ACCOUNT}:assumed-role/GitHubActionsDeploy/botocore-session-1767603600\n"
    )


def test_environment_keys_beat_web_identity_variables(console: Console) -> None:
    console.run(f"export AWS_ROLE_ARN={DEPLOY_ARN} AWS_WEB_IDENTITY_TOKEN_FILE=token.jwt")
    console.run(EXPORT_CAROL)
    assert console.run(WHO).stdout == f"{CAROL}\n"


def test_a_user_name_two_accounts_share_gets_the_account_in_its_profile_name() -> None:
    def account(account_id: str, key_id: str) -> dict:
        return {
            "id": account_id,
            "users": [
                {
                    "name": "admin",
                    "access_keys": [{"id": key_id, "secret": "s" * 40}],
                }
            ],
        }

    world = World.from_spec(
        {
            "start_time": "2026-01-05T09:00:00Z",
            "accounts": [
                account("111111111111", "AKIAEXAMPLEADMIN0001"),
                account("222222222222", "AKIAEXAMPLEADMIN0002"),
            ],
        }
    )
    console = Console(world)
    assert console.run("aws configure list-profiles").stdout == "admin\nadmin@222222222222\n"
    assert console.run(f"{WHO} --profile admin@222222222222").stdout == (
        "arn:aws:iam::222222222222:user/admin\n"
    )


def test_role_profile_settings_reach_assume_role(console: Console, world: World) -> None:
    configure_publisher(console)
    console.run("aws configure set external_id partner-7 --profile publisher")
    console.run("aws configure set duration_seconds 900 --profile publisher")
    console.run(f"{WHO} --profile publisher")
    console.run(f"{WHO} --profile publisher")
    calls = [event.params for event in world.events if event.operation == "AssumeRole"]
    assert calls[0]["ExternalId"] == "partner-7"
    assert calls[0]["DurationSeconds"] == 900
    # Credentials for 15 minutes are always inside the refresh window: each use assumes again.
    assert len(calls) == 2


def test_a_bad_duration_in_a_role_profile_is_a_config_error(console: Console) -> None:
    configure_publisher(console)
    console.run("aws configure set duration_seconds 1h --profile publisher")
    result = console.run(f"{WHO} --profile publisher")
    assert (result.exit_code, result.stderr) == (
        253,
        '\nThe duration_seconds "1h" of the profile "publisher" is not a whole number.\n',
    )


def test_ignored_global_options_are_accepted(console: Console) -> None:
    result = console.run(f"{WHO} --profile alice --debug --no-cli-pager --color off")
    assert (result.exit_code, result.stdout) == (0, f"{ALICE}\n")
