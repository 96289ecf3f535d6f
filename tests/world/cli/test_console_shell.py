"""The simulated shell: quoting, expansion, assignments, redirection and refused syntax."""

from __future__ import annotations

import pytest

from iamlab.world.cli import Console
from iamlab.world.cli.shell import MAX_LINE_CHARS, ShellSyntaxError, parse_line


def words(line: str, variables: dict[str, str] | None = None) -> list[str]:
    return [word.text for word in parse_line(line, variables or {}).words]


def test_words_split_on_blanks_and_quotes_group_them() -> None:
    assert words("aws  sts\tget-caller-identity") == ["aws", "sts", "get-caller-identity"]
    assert words("echo 'a b' \"c d\" e\\ f") == ["echo", "a b", "c d", "e f"]


def test_single_quotes_keep_everything_literal() -> None:
    assert words("echo '$HOME \\n \"x\"'", {"HOME": "/root"}) == ["echo", '$HOME \\n "x"']


def test_double_quotes_expand_variables_and_honour_backslash_escapes() -> None:
    assert words('echo "$A-${B}" "\\"q\\" \\$A"', {"A": "1", "B": "2"}) == [
        "echo",
        "1-2",
        '"q" $A',
    ]


def test_unquoted_empty_expansion_vanishes_but_quoted_one_stays() -> None:
    assert words('echo $NOPE "" "$NOPE" x') == ["echo", "", "", "x"]


def test_policy_json_in_single_quotes_arrives_intact() -> None:
    document = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow"}]}'
    assert words(f"aws iam put-role-policy --policy-document '{document}'")[-1] == document


def test_comment_ends_the_line_only_at_a_word_start() -> None:
    assert words("echo a#b # the rest") == ["echo", "a#b"]


def test_dollar_question_mark_is_the_last_exit_code() -> None:
    assert [word.text for word in parse_line("echo $?", {}, 254).words] == ["echo", "254"]


def test_assignment_prefix_is_found_only_when_unquoted() -> None:
    parsed = parse_line("A=1 'B=2' C\"=3\" D=$X", {"X": "x"})
    assert [(word.text, word.assignment_prefix) for word in parsed.words] == [
        ("A=1", 2),
        ("B=2", 0),
        ("C=3", 0),
        ("D=x", 2),
    ]


def test_redirection_is_recorded_and_removed_from_the_words() -> None:
    parsed = parse_line("echo hi >> out.txt", {})
    assert [word.text for word in parsed.words] == ["echo", "hi"]
    assert (parsed.redirect.path, parsed.redirect.append) == ("out.txt", True)
    parsed = parse_line("echo hi>out.txt", {})
    assert [word.text for word in parsed.words] == ["echo", "hi"]
    assert (parsed.redirect.path, parsed.redirect.append) == ("out.txt", False)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("echo 'abc", "bash: unexpected EOF while looking for matching `''"),
        ('echo "abc', "bash: unexpected EOF while looking for matching `\"'"),
        ("echo ${HOME", "bash: unexpected EOF while looking for matching `}'"),
        (
            "echo ${HOME:-x}",
            "bash: ${HOME:-x}: bad substitution (this simulated shell expands only plain ${NAME})",
        ),
        (
            "export AWS_ACCESS_KEY_ID=$(aws sts get-caller-identity)",
            "bash: command substitution $(...) is not supported in this simulated shell: "
            "run the command on its own line and copy what it prints",
        ),
        (
            "echo `date`",
            "bash: command substitution (`...`) is not supported in this simulated shell: "
            "run the command on its own line and copy what it prints",
        ),
        (
            "aws s3 ls | grep x",
            "bash: pipes (|) are not supported in this simulated shell: run one command per line "
            "(aws --query picks fields out of a response)",
        ),
        (
            "date; date",
            "bash: command lists (;) are not supported in this simulated shell: "
            "run one command per line",
        ),
        (
            "date && date",
            "bash: background jobs and && are not supported in this simulated shell: "
            "run one command per line",
        ),
        ("cat < file", "bash: input redirection (<) is not supported in this simulated shell"),
        ("echo hi >", "bash: syntax error near unexpected token `newline'"),
        (
            "echo hi 2> err",
            "bash: only standard output can be redirected in this simulated shell "
            "(> FILE or >> FILE)",
        ),
        ("echo a > x > y", "bash: only one output redirection per command is supported"),
        ("echo a\nb", "bash: type one command per line (the line had a line break)"),
        (
            "echo \x07",
            "bash: the line contains the control character U+0007; remove it and try again",
        ),
    ],
)
def test_refused_syntax_gets_one_clear_line(line: str, message: str) -> None:
    with pytest.raises(ShellSyntaxError) as caught:
        parse_line(line, {"HOME": "/root"})
    assert str(caught.value) == message


def test_a_too_long_line_is_refused_before_parsing() -> None:
    with pytest.raises(ShellSyntaxError) as caught:
        parse_line("echo " + "a" * MAX_LINE_CHARS, {})
    assert str(caught.value) == (
        f"bash: line too long: {MAX_LINE_CHARS + 5} characters (this console accepts at most "
        f"{MAX_LINE_CHARS})"
    )


def test_syntax_errors_exit_2_and_change_nothing(console: Console) -> None:
    result = console.run("export A=1; export B=2")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "bash: command lists (;) are not supported in this simulated shell: "
        "run one command per line\n"
    )
    assert "A" not in console.state.variables
    assert "B" not in console.state.variables


def test_unknown_command_is_command_not_found_with_exit_127(console: Console) -> None:
    result = console.run("kubectl get pods")
    assert (result.exit_code, result.stdout) == (127, "")
    assert result.stderr == (
        "bash: kubectl: command not found (this is a simulated shell: type help to see "
        "what it runs)\n"
    )


def test_blank_and_comment_lines_do_nothing(console: Console) -> None:
    assert console.run("").exit_code == 0
    result = console.run("   # just a note")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


def test_an_unexpected_failure_is_one_line_not_a_traceback(console: Console) -> None:
    def broken(*args: object, **kwargs: object) -> dict:
        raise RuntimeError("boom")

    console.world.call = broken  # type: ignore[method-assign]
    result = console.run("aws sts get-caller-identity --profile alice")
    assert (result.exit_code, result.stdout) == (255, "")
    assert result.stderr == (
        "\nIAM Lab could not run this command (RuntimeError). This is a bug in the lab, not in "
        "your command; please report it.\n"
    )
