"""The shell's own commands: variables, echo, env, sleep, date, files, help."""

from __future__ import annotations

from iamlab.world import World
from iamlab.world.cli import Console


def test_export_sets_and_exports_and_env_lists_exported_variables(console: Console) -> None:
    assert console.run("export AWS_PROFILE=alice GREETING='hello world'").exit_code == 0
    result = console.run("env")
    assert result.stdout == (
        "AWS_DEFAULT_REGION=us-east-1\nAWS_PROFILE=alice\nGREETING=hello world\n"
    )


def test_plain_assignment_is_a_shell_variable_that_env_does_not_show(console: Console) -> None:
    console.run("SECRET=abc")
    assert console.run("echo $SECRET").stdout == "abc\n"
    assert console.run("env").stdout == "AWS_DEFAULT_REGION=us-east-1\n"
    console.run("export SECRET")
    assert console.run("env").stdout == "AWS_DEFAULT_REGION=us-east-1\nSECRET=abc\n"


def test_export_without_arguments_prints_declare_lines_sorted(console: Console) -> None:
    console.run("export ZED='say \"hi\" $x' ALPHA=1")
    assert console.run("export").stdout == (
        'declare -x ALPHA="1"\n'
        'declare -x AWS_DEFAULT_REGION="us-east-1"\n'
        'declare -x ZED="say \\"hi\\" \\$x"\n'
    )


def test_export_rejects_invalid_names_but_keeps_the_valid_ones(console: Console) -> None:
    result = console.run("export 1X=2 GOOD=yes")
    assert result.exit_code == 1
    assert result.stderr == "bash: export: `1X=2': not a valid identifier\n"
    assert console.state.variables["GOOD"] == "yes"


def test_unset_removes_variables(console: Console) -> None:
    console.run("export AWS_PROFILE=alice")
    assert console.run("unset AWS_PROFILE AWS_DEFAULT_REGION").exit_code == 0
    assert console.run("env").stdout == ""
    result = console.run("unset 9bad")
    assert (result.exit_code, result.stderr) == (1, "bash: unset: `9bad': not a valid identifier\n")


def test_assignment_before_a_command_applies_to_that_command_only(console: Console) -> None:
    assert console.run("AWS_PROFILE=alice env").stdout == (
        "AWS_DEFAULT_REGION=us-east-1\nAWS_PROFILE=alice\n"
    )
    assert console.run("env").stdout == "AWS_DEFAULT_REGION=us-east-1\n"


def test_echo_joins_its_arguments_and_n_drops_the_newline(console: Console) -> None:
    assert console.run("echo  a   'b  c'").stdout == "a b  c\n"
    assert console.run("echo -n x").stdout == "x"
    assert console.run("echo").stdout == "\n"


def test_printenv_prints_one_variable_or_fails(console: Console) -> None:
    assert console.run("printenv AWS_DEFAULT_REGION").stdout == "us-east-1\n"
    result = console.run("printenv NOPE")
    assert (result.exit_code, result.stdout) == (1, "")


def test_exit_code_of_the_last_command_is_in_dollar_question_mark(console: Console) -> None:
    console.run("cat missing.txt")
    assert console.run("echo $?").stdout == "1\n"
    assert console.run("echo $?").stdout == "0\n"


def test_date_prints_the_world_time_like_gnu_date_in_utc(console: Console) -> None:
    assert console.run("date").stdout == "Mon Jan  5 09:00:00 UTC 2026\n"
    assert console.run("date -u +%Y-%m-%dT%H:%M:%SZ").stdout == "2026-01-05T09:00:00Z\n"
    assert console.run("date +%s").stdout == "1767603600\n"
    result = console.run("date -d tomorrow")
    assert (result.exit_code, result.stderr) == (
        1,
        "date: option \u2018-d\u2019 is not supported in this simulated shell\n",
    )


def test_sleep_moves_the_world_clock(console: Console, world: World) -> None:
    assert console.run("sleep 3601").exit_code == 0
    assert console.run("date").stdout == "Mon Jan  5 10:00:01 UTC 2026\n"
    assert console.run("sleep 1m 1h 1d").exit_code == 0
    assert world.now().isoformat() == "2026-01-06T11:01:01+00:00"


def test_sleep_errors_are_worded_like_gnu_sleep_and_do_not_move_time(
    console: Console, world: World
) -> None:
    result = console.run("sleep")
    assert (result.exit_code, result.stderr) == (
        1,
        "sleep: missing operand\nTry 'sleep --help' for more information.\n",
    )
    result = console.run("sleep 10 1.5")
    assert (result.exit_code, result.stderr) == (
        1,
        "sleep: invalid time interval \u20181.5\u2019\nTry 'sleep --help' for more information.\n",
    )
    result = console.run("sleep 4000d")
    assert result.exit_code == 1
    assert result.stderr == (
        "sleep: the simulated clock moves at most 316224000 seconds (10 years) at a time\n"
    )
    assert world.now().isoformat() == "2026-01-05T09:00:00+00:00"


def test_redirection_writes_files_that_cat_ls_and_rm_see(console: Console) -> None:
    assert console.run("echo first > notes.txt").stdout == ""
    console.run("echo second >> ./notes.txt")
    assert console.run("cat notes.txt").stdout == "first\nsecond\n"
    assert console.run("ls").stdout == "notes.txt\n"
    assert console.run("rm notes.txt").exit_code == 0
    result = console.run("cat notes.txt")
    assert (result.exit_code, result.stderr) == (1, "cat: notes.txt: No such file or directory\n")
    result = console.run("rm notes.txt")
    assert (result.exit_code, result.stderr) == (
        1,
        "rm: cannot remove 'notes.txt': No such file or directory\n",
    )


def test_output_sent_to_dev_null_is_dropped(console: Console) -> None:
    result = console.run("echo hidden > /dev/null")
    assert (result.exit_code, result.stdout) == (0, "")
    assert console.run("ls").stdout == ""


def test_cat_without_a_file_says_there_is_no_standard_input(console: Console) -> None:
    result = console.run("cat")
    assert result.stderr == "cat: reading standard input is not supported in this simulated shell\n"


def test_help_lists_the_commands_that_work(console: Console) -> None:
    text = console.run("help").stdout
    assert text.startswith("IAM Lab console: a simulated shell with the AWS CLI")
    for command in (
        "aws sts assume-role --role-arn ARN --role-session-name NAME",
        "aws lambda invoke --function-name F FILE",
        "lab mfa-code USER-or-SERIAL",
        "sleep SECONDS",
        "aws configure set role_arn ARN --profile P",
    ):
        assert command in text


def test_a_fresh_console_is_configured_for_the_worlds_region(iam_roles_spec: dict) -> None:
    console = Console(World.from_spec({**iam_roles_spec, "region": "eu-west-1"}))
    assert console.run("env").stdout == "AWS_DEFAULT_REGION=eu-west-1\n"
