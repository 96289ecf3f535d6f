"""How `aws ...` lines are parsed: the CLI's usage errors, parameter errors and exit codes."""

from __future__ import annotations

import pytest

from iamlab.world import World
from iamlab.world.cli import Console
from iamlab.world.cli.errors import USAGE
from tests.cast import PUBLISHER
from tests.world.cli.expected import unknown, usage

ASSUME = f"aws sts assume-role --role-arn {PUBLISHER} --profile alice"


@pytest.mark.parametrize(
    ("line", "stderr"),
    [
        ("aws", usage("the following arguments are required: command")),
        ("aws sts", usage("the following arguments are required: operation")),
        (
            "aws sts assume-role --profile alice",
            usage("the following arguments are required: --role-arn, --role-session-name"),
        ),
        (
            f"{ASSUME} --role-session-name",
            usage("argument --role-session-name: expected one argument"),
        ),
        (
            f"{ASSUME} --role-session-name s1 --tags",
            usage("argument --tags: expected at least one argument"),
        ),
        ("aws sts get-caller-identity --foo", unknown("--foo")),
        ("aws sts get-caller-identity --foo bar --baz", unknown("--foo, --baz, bar")),
        (
            "aws s3api get-object --bucket example-reports --key q1.csv",
            usage("the following arguments are required: outfile"),
        ),
        (
            "aws sts get-caller-identity --profile",
            usage("argument --profile: expected one argument"),
        ),
    ],
)
def test_usage_errors_print_the_usage_and_exit_252(
    console: Console, line: str, stderr: str
) -> None:
    result = console.run(line)
    assert (result.exit_code, result.stdout, result.stderr) == (252, "", stderr)


def test_an_unknown_service_lists_the_choices_and_suggests_the_closest(console: Console) -> None:
    result = console.run("aws stss get-caller-identity")
    assert result.exit_code == 252
    assert result.stderr == usage(
        "argument command: Invalid choice, valid choices are:\n\n"
        + f"{'iam':<40} | {'lambda':<40}\n"
        + f"{'s3api':<40} | {'sts':<40}\n"
        + f"{'configure':<40} | {'s3':<40}\n"
        + f"{'help':<40}\n\n\n"
        + "Invalid choice: 'stss', maybe you meant:\n\n"
        + "  * sts"
    )


def test_an_unknown_operation_lists_the_service_operations(console: Console) -> None:
    result = console.run("aws sts assume-rol")
    assert result.exit_code == 252
    assert result.stderr.startswith(USAGE + "\naws: error: argument operation: Invalid choice")
    assert result.stderr.endswith(
        "Invalid choice: 'assume-rol', maybe you meant:\n\n  * assume-role\n"
    )
    assert f"{'assume-role':<40} | {'assume-role-with-saml':<40}" in result.stderr


def test_an_invalid_output_format_is_an_invalid_choice(console: Console) -> None:
    result = console.run("aws sts get-caller-identity --output yaml")
    assert result.stderr == usage(
        "argument --output: Invalid choice, valid choices are:\n\n"
        + f"{'json':<40} | {'text':<40}\n"
        + f"{'table':<40}"
    )


def test_client_side_validation_reports_every_short_value(console: Console, world: World) -> None:
    result = console.run(
        "aws sts assume-role --role-arn short --role-session-name a --duration-seconds 60 "
        "--profile alice"
    )
    assert result.exit_code == 252
    assert result.stderr == (
        "\nParameter validation failed:\n"
        "Invalid length for parameter RoleArn, value: 5, valid min length: 20\n"
        "Invalid length for parameter RoleSessionName, value: 1, valid min length: 2\n"
        "Invalid value for parameter DurationSeconds, value: 60, valid min value: 900\n"
    )
    assert world.events == []


def test_an_integer_parameter_must_be_an_integer(console: Console) -> None:
    result = console.run(f"{ASSUME} --role-session-name s1 --duration-seconds 1h")
    assert (result.exit_code, result.stderr) == (
        252,
        "\nError parsing parameter '--duration-seconds': invalid literal for int() with base 10: "
        "'1h'\n",
    )


def test_service_validation_errors_come_back_from_the_world_with_exit_254(console: Console) -> None:
    result = console.run(f"{ASSUME} --role-session-name 'a b'")
    assert result.exit_code == 254
    assert result.stderr == (
        "\nAn error occurred (ValidationError) when calling the AssumeRole operation: "
        "1 validation error detected: Value 'a b' at 'roleSessionName' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*\n"
    )


def test_shorthand_tags_become_a_list_of_key_value_structures(
    console: Console, world: World
) -> None:
    console.run(
        f"{ASSUME} --role-session-name s1 --tags Key=team,Value=reports 'Key=cost center,Value=42'"
    )
    assert world.events[-1].params["Tags"] == [
        {"Key": "team", "Value": "reports"},
        {"Key": "cost center", "Value": "42"},
    ]


def test_json_tags_and_policy_arns_shorthand_are_accepted(console: Console, world: World) -> None:
    console.run(
        f'{ASSUME} --role-session-name s1 --tags \'[{{"Key": "a", "Value": "b"}}]\' '
        "--policy-arns arn=arn:aws:iam::aws:policy/ReadOnlyAccess"
    )
    params = world.events[-1].params
    assert params["Tags"] == [{"Key": "a", "Value": "b"}]
    assert params["PolicyArns"] == [{"arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}]


@pytest.mark.parametrize(
    ("tags", "stderr"),
    [
        (
            "foo",
            "\nError parsing parameter '--tags': Expected: '=', received: 'EOF' for input:\n"
            "foo\n   ^\n",
        ),
        (
            "Key=a,Value=b Key=c",
            '\nParameter validation failed:\nMissing required parameter in Tags[1]: "Value"\n',
        ),
        (
            "Key=a,Value=b,Colour=red",
            "\nParameter validation failed:\n"
            'Unknown parameter in Tags[0]: "Colour", must be one of: Key, Value\n',
        ),
        (
            "'[{\"Key\": 1'",
            "\nError parsing parameter '--tags': Invalid JSON: Expecting ',' delimiter: line 1 "
            'column 11 (char 10)\nJSON received: [{"Key": 1\n',
        ),
    ],
)
def test_bad_structures_are_reported_before_any_request(
    console: Console, world: World, tags: str, stderr: str
) -> None:
    result = console.run(f"{ASSUME} --role-session-name s1 --tags {tags}")
    assert (result.exit_code, result.stderr) == (252, stderr)
    assert world.events == []


def test_file_urls_read_the_console_files(console: Console, world: World) -> None:
    console.run("""echo '{"Version": "2012-10-17", "Statement": []}' > policy.json""")
    console.run(f"{ASSUME} --role-session-name s1 --policy file://policy.json")
    assert world.events[-1].params["Policy"] == '{"Version": "2012-10-17", "Statement": []}\n'


def test_a_missing_parameter_file_is_a_parameter_error(console: Console) -> None:
    result = console.run(f"{ASSUME} --role-session-name s1 --policy file://nope.json")
    assert (result.exit_code, result.stderr) == (
        252,
        "\nError parsing parameter '--policy': Unable to load paramfile file://nope.json: "
        "[Errno 2] No such file or directory: 'nope.json'\n",
    )


def test_equals_form_and_global_options_anywhere(console: Console, world: World) -> None:
    result = console.run(
        f"aws --output=text sts assume-role --role-session-name=s1 --profile alice "
        f"--role-arn={PUBLISHER} --query AssumedRoleUser.Arn"
    )
    assert result.stdout == "arn:aws:sts::111122223333:assumed-role/ReportPublisher/s1\n"


def test_operation_help_shows_its_parameters(console: Console) -> None:
    result = console.run("aws sts get-session-token help")
    assert result.stdout == (
        "aws sts get-session-token  (API operation GetSessionToken)\n\n"
        "  [--duration-seconds <value>]\n"
        "  [--serial-number <value>]\n"
        "  [--token-code <value>]\n"
    )


def test_version_names_the_simulation(console: Console) -> None:
    assert console.run("aws --version").stdout == "aws-cli/2.22.0 Python/3.11 IAM-Lab/simulated\n"


def test_service_help_lists_only_what_the_world_implements(console: Console) -> None:
    from iamlab.world.operations import operations

    implemented = sorted(name for service, name in operations() if service == "sts")
    listed = console.run("aws sts help").stdout.splitlines()[2:-2]
    assert [line.strip() for line in listed] == [
        "assume-role",
        "assume-role-with-saml",
        "assume-role-with-web-identity",
        "get-caller-identity",
        "get-federation-token",
        "get-session-token",
    ]
    assert len(listed) == len(implemented)
    assert console.run("aws help").stdout.startswith("AWS CLI (simulated by IAM Lab)\n")
