"""Help texts: what this simulated shell and its AWS CLI can do, in plain words."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from iamlab.world.cli.commands import Operation, Service

CONSOLE_HELP = """\
IAM Lab console: a simulated shell with the AWS CLI, connected to this lesson's
simulated AWS world. Nothing you type runs on a real computer or a real AWS account.

AWS CLI (v2 syntax and output)
  aws [--profile P] [--region R] [--output json|text|table] [--query EXPR] SERVICE OPERATION ...
  aws sts get-caller-identity                  who am I?
  aws sts assume-role --role-arn ARN --role-session-name NAME
        [--duration-seconds N] [--external-id ID] [--serial-number MFA --token-code CODE]
        [--policy FILE-or-JSON] [--policy-arns arn=ARN] [--tags Key=k,Value=v]
        [--source-identity ID]
  aws sts assume-role-with-web-identity --role-arn ARN --role-session-name NAME
        --web-identity-token TOKEN
  aws sts assume-role-with-saml --role-arn ARN --principal-arn PROVIDER-ARN --saml-assertion A
  aws sts get-session-token | get-federation-token --name N
  aws iam get-role --role-name R, list-roles, get-user, list-attached-role-policies ...
        (aws iam help lists every IAM command)
  aws s3 ls [s3://BUCKET[/PREFIX]]             aws s3 cp s3://BUCKET/KEY - (or FILE)
  aws s3 cp FILE s3://BUCKET/KEY               aws s3 rm s3://BUCKET/KEY
  aws s3api get-object --bucket B --key K FILE, put-object, list-objects-v2, get-bucket-policy ...
  aws lambda get-function-configuration --function-name F
  aws lambda update-function-configuration --function-name F --role ROLE-ARN
  aws lambda invoke --function-name F FILE     (then: cat FILE)
  aws configure set role_arn ARN --profile P   (also source_profile, mfa_serial, external_id,
                     role_session_name, duration_seconds, web_identity_token_file, region)
  aws configure list | get NAME | list-profiles | export-credentials [--format env]
  AWS SERVICE help, aws SERVICE OPERATION help: the parameters of a command.

Credentials, in the AWS CLI's order
  1. --profile NAME          every IAM user with an access key is a profile of that name;
                             a profile with role_arn + source_profile assumes that role
  2. AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN (set them with export)
  3. AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE (a token file: lab web-identity-token ... > F)
  4. AWS_PROFILE, else the profile named "default"

Shell
  export NAME=VALUE ...  unset NAME ...  echo TEXT  env  cat FILE  ls  rm FILE
  COMMAND > FILE, COMMAND >> FILE          write what a command prints to a file
  sleep SECONDS          move the world's clock forward (also 10m, 2h, 1d)
  date [+FORMAT]         the world's time, in UTC
  help                   this text

Lab helpers (not part of AWS)
  lab mfa-code USER-or-SERIAL           the current code of a virtual MFA device
  lab web-identity-token PROVIDER SUBJECT [AUDIENCE]   mint an OIDC token for a provider
  lab saml-assertion PROVIDER SUBJECT ROLE-ARN         mint a SAML assertion for a provider
  lab whoami                                   the credentials the next aws command would use

Quoting works as in bash ('...', "...", \\x, $NAME). Pipes, ;, &&, $(...) and backticks are
not supported: run one command per line and copy values between them.
"""


def console_help() -> str:
    """Return the console's `help` text."""
    return CONSOLE_HELP


def aws_help() -> str:
    """Return `aws help`: the services this CLI offers."""
    from iamlab.world.cli.commands import available_services

    lines = [
        "AWS CLI (simulated by IAM Lab)\n",
        "\n",
        "  aws [options] <command> <subcommand> [parameters]\n",
        "\n",
        "Commands:\n",
    ]
    for name, service in available_services().items():
        lines.append(f"  {name:<10} {len(service.operations)} operations (aws {name} help)\n")
    lines.append("  s3         ls, cp, rm (aws s3 help)\n")
    lines.append("  configure  set, get, list, list-profiles, export-credentials\n")
    lines.append("\n")
    lines.append(
        "Global options: --profile, --region, --output json|text|table, --query, "
        "--no-sign-request,\n--cli-binary-format, --debug, --no-cli-pager, --version.\n"
    )
    return "".join(lines)


def service_help(service: Service) -> str:
    """Return `aws SERVICE help`: the operations of one service."""
    lines = [f"aws {service.cli_name}: available operations\n", "\n"]
    lines.extend(f"  {name}\n" for name in service.operations)
    lines.append("\n")
    lines.append(f"Run aws {service.cli_name} OPERATION help for its parameters.\n")
    return "".join(lines)


def operation_help(service_name: str, operation: Operation) -> str:
    """Return `aws SERVICE OPERATION help`: its synopsis."""
    lines = [f"aws {service_name} {operation.cli_name}  (API operation {operation.name})\n", "\n"]
    for param in operation.params:
        if param.kind == "boolean":
            usage = f"{param.cli_name} | --no-{param.cli_name[2:]}"
        elif param.kind in {"string_list", "structure_list"}:
            usage = f"{param.cli_name} <value> [<value> ...]"
        else:
            usage = f"{param.cli_name} <value>"
        lines.append(f"  {usage}\n" if param.required else f"  [{usage}]\n")
    if operation.outfile is not None:
        lines.append("  <outfile>\n")
    shorthand = [param for param in operation.params if param.members]
    if shorthand:
        lines.append("\n")
        for param in shorthand:
            example = ",".join(f"{member}=string" for member in param.members)
            lines.append(f"{param.cli_name} shorthand: {example}   (or JSON)\n")
    if operation.unsigned:
        lines.append("\nThis call is not signed: it needs no credentials.\n")
    return "".join(lines)


def s3_help() -> str:
    """Return `aws s3 help`."""
    return (
        "aws s3: high-level S3 commands\n"
        "\n"
        "  aws s3 ls                                list your buckets\n"
        "  aws s3 ls s3://BUCKET[/PREFIX] [--recursive] [--summarize] [--human-readable]\n"
        "  aws s3 cp s3://BUCKET/KEY -              print an object\n"
        "  aws s3 cp s3://BUCKET/KEY FILE           download an object to a file\n"
        "  aws s3 cp FILE s3://BUCKET/KEY           upload a file\n"
        "  aws s3 rm s3://BUCKET/KEY                delete an object\n"
    )


def configure_help() -> str:
    """Return `aws configure help`."""
    return (
        "aws configure: the console's profiles\n"
        "\n"
        "  aws configure set NAME VALUE [--profile P]   NAME: role_arn, source_profile,\n"
        "      mfa_serial, external_id, role_session_name, duration_seconds,\n"
        "      web_identity_token_file, region, output, aws_access_key_id,\n"
        "      aws_secret_access_key, aws_session_token\n"
        "  aws configure get NAME [--profile P]\n"
        "  aws configure list [--profile P]\n"
        "  aws configure list-profiles\n"
        "  aws configure export-credentials [--profile P] [--format process|env|env-no-export]\n"
    )
