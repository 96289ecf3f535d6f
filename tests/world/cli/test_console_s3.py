"""`aws s3 ls/cp/rm` and `aws s3api` with outfiles, printed as the CLI prints them."""

from __future__ import annotations

import json

from iamlab.world import World
from iamlab.world.cli import Console
from tests.cast import ALICE
from tests.world.cli.expected import NO_CREDENTIALS, unknown, usage


def test_ls_lists_buckets_then_objects(console: Console) -> None:
    console.run("export AWS_PROFILE=carol")
    assert console.run("aws s3 ls").stdout == "2026-01-05 09:00:00 example-reports\n"
    assert console.run("aws s3 ls example-reports --summarize").stdout == (
        "2026-01-05 09:00:00         23 q1.csv\n"
        "2026-01-05 09:00:00         23 q2.csv\n"
        "\nTotal Objects: 2\n   Total Size: 46\n"
    )


def test_ls_of_a_missing_prefix_prints_nothing_and_exits_1(console: Console) -> None:
    result = console.run("aws s3 ls s3://example-reports/q9 --profile alice")
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", "")


def test_ls_without_permission_is_a_service_error(console: Console) -> None:
    result = console.run("aws s3 ls s3://example-reports --no-sign-request")
    assert result.exit_code == 254
    assert result.stderr.startswith(
        "\nAn error occurred (AccessDenied) when calling the ListObjectsV2 operation:"
    )


def test_cp_downloads_to_a_file_and_to_stdout(console: Console) -> None:
    console.run("export AWS_PROFILE=alice")
    result = console.run("aws s3 cp s3://example-reports/q2.csv .")
    assert (result.exit_code, result.stdout) == (
        0,
        "download: s3://example-reports/q2.csv to ./q2.csv\n",
    )
    assert console.run("cat q2.csv").stdout == "quarter,revenue\nQ2,120\n"
    assert console.run("aws s3 cp s3://example-reports/q2.csv -").stdout == (
        "quarter,revenue\nQ2,120\n"
    )


def test_cp_of_a_missing_object_fails_with_exit_1(console: Console) -> None:
    result = console.run("aws s3 cp s3://example-reports/nope.csv - --profile alice")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "download failed: s3://example-reports/nope.csv to - An error occurred (NoSuchKey) when "
        "calling the GetObject operation:"
    )


def test_cp_needs_credentials_before_anything_else(console: Console) -> None:
    result = console.run("aws s3 cp s3://example-reports/q1.csv -")
    assert (result.exit_code, result.stderr) == (253, NO_CREDENTIALS)


def test_cp_upload_of_a_missing_file_and_without_stdin(console: Console) -> None:
    console.run("export AWS_PROFILE=carol")
    result = console.run("aws s3 cp nothing.txt s3://example-reports/x")
    assert (result.exit_code, result.stderr) == (
        255,
        "\nThe user-provided path nothing.txt does not exist.\n",
    )
    result = console.run("aws s3 cp - s3://example-reports/x")
    assert result.exit_code == 252
    assert result.stderr == (
        "\nThis simulated shell has no standard input to upload: write the content to a file "
        "first (echo TEXT > file.txt), then copy the file.\n"
    )


def test_rm_deletes_with_permission_only(console: Console) -> None:
    result = console.run("aws s3 rm s3://example-reports/q1.csv --profile alice")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "delete failed: s3://example-reports/q1.csv An error occurred (AccessDenied) when "
        f"calling the DeleteObject operation: User: {ALICE} is not authorized"
    )


def test_s3_usage_errors(console: Console) -> None:
    assert console.run("aws s3").stderr == usage("the following arguments are required: operation")
    assert console.run("aws s3 cp a").stderr == usage("the following arguments are required: paths")
    assert console.run("aws s3 ls --bogus").stderr == unknown("--bogus")


def test_get_object_writes_the_body_to_the_outfile_and_prints_the_rest(console: Console) -> None:
    result = console.run(
        "aws s3api get-object --bucket example-reports --key q1.csv q1.csv --profile alice"
    )
    response = json.loads(result.stdout)
    assert "Body" not in response
    assert response["ContentLength"] == 23
    assert console.run("cat q1.csv").stdout == "quarter,revenue\nQ1,100\n"


def test_put_object_sends_the_body_file(console: Console, world: World) -> None:
    console.run("echo hello > hello.txt")
    result = console.run(
        "aws s3api put-object --bucket example-reports --key hello.txt --body hello.txt "
        "--profile carol"
    )
    assert result.exit_code == 254
    assert world.events[-1].params["Body"] == "hello\n"
    missing = console.run(
        "aws s3api put-object --bucket example-reports --key k --body nope.txt --profile carol"
    )
    assert (missing.exit_code, missing.stderr) == (
        252,
        "\nError parsing parameter '--body': Blob values must be a path to a file.\n",
    )


def test_ls_groups_deeper_keys_into_prefixes(console: Console) -> None:
    console.run(
        "aws configure set role_arn arn:aws:iam::111122223333:role/ReportPublisher --profile pub"
    )
    console.run("aws configure set source_profile alice --profile pub")
    console.run("echo x > a.csv")
    upload = console.run("aws s3 cp a.csv s3://example-reports/archive/2025/a.csv --profile pub")
    assert upload.stdout == "upload: a.csv to s3://example-reports/archive/2025/a.csv\n"
    assert console.run("aws s3 ls s3://example-reports/ --profile pub").stdout == (
        "                           PRE archive/\n"
        "2026-01-05 09:00:00         23 q1.csv\n"
        "2026-01-05 09:00:00         23 q2.csv\n"
    )
    assert console.run("aws s3 ls s3://example-reports/archive/ --profile pub").stdout == (
        "                           PRE 2025/\n"
    )
    assert (
        console.run("aws s3 ls s3://example-reports/archive --recursive --profile pub").stdout
        == "2026-01-05 09:00:00          2 archive/2025/a.csv\n"
    )
