"""Output as the AWS CLI v2 prints it: JSON by default, --output text and table, --query."""

from __future__ import annotations

import pytest

from iamlab.world import World
from iamlab.world.cli import Console
from iamlab.world.cli.output import format_json, format_table, format_text
from iamlab.world.cli.query import QueryError, parse_query, search

ROLES = {
    "Roles": [
        {"RoleName": "a", "Arn": "arn:a", "Tags": [{"Key": "team", "Value": "x"}], "Max": 3600},
        {"RoleName": "b", "Arn": "arn:b", "Max": 7200},
    ]
}


def test_json_is_indented_by_four_and_keeps_non_ascii() -> None:
    assert format_json({"Name": "café", "List": [1, True, None]}) == (
        '{\n    "Name": "café",\n    "List": [\n        1,\n        true,\n        null\n    ]\n}\n'
    )


def test_an_empty_response_prints_nothing_in_every_format() -> None:
    assert (format_json({}), format_text({}), format_table({}, "AttachRolePolicy")) == ("", "", "")


def test_text_puts_scalars_on_one_line_under_the_upper_cased_key() -> None:
    assert format_text(ROLES) == ("ROLES\tarn:a\t3600\ta\nTAGS\tteam\tx\nROLES\tarn:b\t7200\tb\n")


def test_text_of_a_scalar_and_of_a_list_of_scalars() -> None:
    assert format_text("arn:aws:iam::111122223333:user/alice") == (
        "arn:aws:iam::111122223333:user/alice\n"
    )
    assert format_text(["a", "b", "c"]) == "a\tb\tc\n"
    assert format_text(None) == "None\n"


def test_table_titles_sections_and_scales_columns() -> None:
    assert format_table(
        {"UserId": "AIDAEXAMPLE", "Account": "111122223333", "Arn": "arn:aws:iam::1:user/a"},
        "GetCallerIdentity",
    ) == (
        "----------------------------------------------------------\n"
        "|                    GetCallerIdentity                   |\n"
        "+--------------+-------------------------+---------------+\n"
        "|    Account   |           Arn           |    UserId     |\n"
        "+--------------+-------------------------+---------------+\n"
        "|  111122223333|  arn:aws:iam::1:user/a  |  AIDAEXAMPLE  |\n"
        "+--------------+-------------------------+---------------+\n"
    )


def test_table_nests_lists_of_structures_in_indented_sections() -> None:
    assert format_table(ROLES, "ListRoles") == (
        "---------------------------------\n"
        "|           ListRoles           |\n"
        "+-------------------------------+\n"
        "||            Roles            ||\n"
        "|+-------+--------+------------+|\n"
        "||  Arn  |  Max   | RoleName   ||\n"
        "|+-------+--------+------------+|\n"
        "||  arn:a|  3600  |  a         ||\n"
        "|+-------+--------+------------+|\n"
        "|||           Tags            |||\n"
        "||+------------+--------------+||\n"
        "|||     Key    |    Value     |||\n"
        "||+------------+--------------+||\n"
        "|||  team      |  x           |||\n"
        "||+------------+--------------+||\n"
        "||            Roles            ||\n"
        "|+-------+--------+------------+|\n"
        "||  Arn  |  Max   | RoleName   ||\n"
        "|+-------+--------+------------+|\n"
        "||  arn:b|  7200  |  b         ||\n"
        "|+-------+--------+------------+|\n"
    )


def test_a_table_wider_than_the_terminal_turns_rows_into_key_value_pairs() -> None:
    assert format_table({"A": "x" * 40, "B": "y" * 40}, "Wide") == (
        "---------------------------------------------------\n"
        "|                      Wide                       |\n"
        "+---+---------------------------------------------+\n"
        "|  A|  xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx   |\n"
        "|  B|  yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy   |\n"
        "+---+---------------------------------------------+\n"
    )


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("Roles[0].RoleName", "a"),
        ("Roles[-1].Max", 7200),
        ("Roles[].RoleName", ["a", "b"]),
        ("Roles[*].Tags[].Key", ["team"]),
        ("Roles[?RoleName=='b'].Arn | [0]", "arn:b"),
        ("Roles[?Max > `3600`].RoleName", ["b"]),
        ("Roles[?!Tags].RoleName", ["b"]),
        ("Roles[].[RoleName, Max]", [["a", 3600], ["b", 7200]]),
        ("Roles[].{Name: RoleName}", [{"Name": "a"}, {"Name": "b"}]),
        ("Missing.Key", None),
        ("Roles[5]", None),
    ],
)
def test_query_subset_follows_jmespath(expression: str, expected: object) -> None:
    assert search(parse_query(expression), ROLES) == expected


def test_a_bad_query_names_the_column() -> None:
    with pytest.raises(QueryError) as caught:
        parse_query("Roles[0")
    assert (caught.value.message, caught.value.column) == ("Expecting: ']'", 7)


def test_query_and_text_output_through_the_console(console: Console) -> None:
    result = console.run(
        "aws iam list-roles --profile carol --query 'Roles[].RoleName' --output text"
    )
    assert result.stdout == (
        "CorpReportReaders\tGitHubActionsDeploy\tlambda-admin-role\tlambda-role\tReportPublisher\n"
    )


def test_output_can_be_chosen_by_environment_and_profile(console: Console) -> None:
    console.run("aws configure set output text --profile carol")
    text = console.run("aws sts get-caller-identity --profile carol --query Account")
    assert text.stdout == "111122223333\n"
    console.run("export AWS_DEFAULT_OUTPUT=json")
    json_output = console.run("aws sts get-caller-identity --profile carol --query Account")
    assert json_output.stdout == '"111122223333"\n'


def test_a_bad_query_on_the_console_exits_252(console: Console) -> None:
    result = console.run("aws sts get-caller-identity --profile alice --query 'Arn..x'")
    assert (result.exit_code, result.stderr) == (
        252,
        "\nBad value for --query Arn..x: Expecting an identifier, *, [ or { after '.': Parse "
        'error at column 4, for expression:\n"Arn..x"\n     ^\n',
    )


def test_an_unknown_output_in_the_environment_fails_before_the_request(
    console: Console, world: World
) -> None:
    console.run("export AWS_DEFAULT_OUTPUT=xml")
    result = console.run("aws sts get-caller-identity --profile alice")
    assert (result.exit_code, result.stderr) == (
        253,
        "\nUnknown output type: xml. Valid choices are json, text and table.\n",
    )
    assert world.events == []
