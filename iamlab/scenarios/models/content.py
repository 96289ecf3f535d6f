"""The content of a scenario: what an instructor loads and every learner starts from.

Each model mirrors one building block of docs/world.md; `iamlab.scenarios.worldspec` is the
only place that turns these rows into a world spec. Every model has a natural key that
starts with the scenario's slug, so a fixture written by hand never needs a primary key:
`"role": ["iam-roles", "111122223333", "ReportPublisher"]`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Length, Lower
from django.db.models.lookups import Exact
from django.urls import reverse

from iamlab.engine import PolicyType, PrincipalEntry, statement_principals
from iamlab.scenarios.choices import AccessKeyStatus, Difficulty, InlinePolicyOwner, ProviderType
from iamlab.scenarios.limits import json_problem, text_problem
from iamlab.scenarios.problems import ScenarioProblem
from iamlab.scenarios.validation import validate_scenario
from iamlab.scenarios.validators import JsonLimitError, check_policy_field, check_tags
from iamlab.scenarios.worldspec import build_spec, build_world
from iamlab.world import World
from iamlab.world.names import IAM_NAME, IAM_PATH

# IAM's name pattern for users, groups, roles and policies, and its path pattern.
iam_name_validator = RegexValidator(
    f"^{IAM_NAME.pattern}$",
    "Use only letters, digits and + = , . @ _ - (IAM's name characters).",
)
iam_path_validator = RegexValidator(
    f"^({IAM_PATH.pattern})$",
    "A path is / or starts and ends with / and holds printable ASCII, like /reports/.",
)
account_id_validator = RegexValidator(r"^[0-9]{12}$", "An AWS account ID is exactly 12 digits.")
# S3 bucket naming rules, the common subset: 3-63 lowercase letters, digits, dots, hyphens,
# starting and ending with a letter or digit.
bucket_name_validator = RegexValidator(
    r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$",
    "A bucket name is 3-63 lowercase letters, digits, dots and hyphens, "
    "starting and ending with a letter or digit.",
)
lambda_name_validator = RegexValidator(
    r"^[A-Za-z0-9_-]{1,64}$",
    "A Lambda function name is 1-64 letters, digits, hyphens and underscores.",
)
account_alias_validator = RegexValidator(
    r"^[a-z0-9]([a-z0-9-]{1,61})[a-z0-9]$",
    "An account alias is 3-63 lowercase letters, digits and hyphens, "
    "not starting or ending with a hyphen.",
)
access_key_id_validator = RegexValidator(
    r"^AKIA[A-Z0-9]{16}$",
    "A long-term access key ID is AKIA followed by 16 capital letters or digits.",
)
secret_access_key_validator = RegexValidator(
    r"^[A-Za-z0-9+/]{40}$",
    "A secret access key is 40 characters of letters, digits, + and /.",
)

SPEC_CACHE_PREFIX = "scenarios:spec:v1:"
SPEC_CACHE_SECONDS = 7 * 24 * 3600


def new_content_version() -> str:
    """Return a fresh token for a scenario's content version."""
    return uuid.uuid4().hex


MIN_SESSION_DURATION = 3600
MAX_SESSION_DURATION = 43200


class Content(models.Model):
    """A row of scenario content: its JSON and text are bounded before anything else runs."""

    class Meta:
        abstract = True

    def full_clean(
        self,
        exclude: Any = None,
        validate_unique: bool = True,
        validate_constraints: bool = True,
    ) -> None:
        limits = self.limit_problems(exclude)
        if limits:
            # clean() hands JSON to the engine and the world, which need it bounded; the
            # other fields are still checked, so that one save shows every mistake.
            errors: dict[str, Any] = dict(limits)
            try:
                self.clean_fields(exclude={*(exclude or ()), *limits})
            except ValidationError as error:
                errors = error.update_error_dict(errors)
            raise ValidationError(errors)
        super().full_clean(exclude, validate_unique, validate_constraints)

    def limit_problems(self, exclude: Any = None) -> dict[str, list[ValidationError]]:
        """Return, per field, why its JSON or text is beyond what content may hold."""
        problems: dict[str, list[ValidationError]] = {}
        for model_field in self._meta.concrete_fields:
            if exclude and model_field.name in exclude:
                continue
            value = getattr(self, model_field.attname)
            if isinstance(model_field, models.JSONField):
                problem = json_problem(value)
                if problem is not None:
                    problems[model_field.name] = [
                        JsonLimitError(problem.message, problem.json_path)
                    ]
            elif isinstance(value, str):
                message = text_problem(value)
                if message is not None:
                    problems[model_field.name] = [
                        ValidationError(message[0].upper() + message[1:], code="invalid_text")
                    ]
        return problems


class ScenarioManager(models.Manager["Scenario"]):
    def get_by_natural_key(self, slug: str) -> Scenario:
        return self.get(slug=slug)

    def visible_to(self, user: Any) -> models.QuerySet[Scenario]:
        """Return the scenarios a user may open: published ones; staff see every one."""
        if getattr(user, "is_staff", False):
            return self.all()
        return self.filter(published=True)


class Scenario(Content):
    """A small AWS world an instructor wrote, from which every learner's world starts."""

    slug = models.SlugField(max_length=64, unique=True)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True, help_text="One or two sentences for the student.")
    difficulty = models.CharField(
        max_length=16, choices=Difficulty.choices, default=Difficulty.INTRODUCTORY
    )
    start_time = models.DateTimeField(help_text="The instant the world's clock starts at (UTC).")
    # Replaced by a fresh random token whenever the scenario or any of its content is saved
    # or deleted (iamlab.scenarios.versions), so caches keyed by it never serve old content.
    content_version = models.CharField(max_length=32, default=new_content_version, editable=False)
    published = models.BooleanField(
        default=True, help_text="Students see only published scenarios; staff see every one."
    )

    objects = ScenarioManager()

    class Meta:
        ordering = ["slug"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(difficulty__in=Difficulty.values),
                name="scenario_difficulty_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("scenarios:overview", args=[self.slug])

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    def to_spec(self) -> dict[str, Any]:
        """Build the world spec (docs/world.md) this scenario describes.

        Every row is read up front, a query per kind of row, so the count does not grow
        with the scenario.
        """
        if self.pk is None:
            return build_spec(self).spec
        prefetched = Scenario.objects.prefetch_related(
            models.Prefetch("accounts", self.accounts_for_overview())
        ).get(pk=self.pk)
        return build_spec(prefetched).spec

    def to_world(self) -> World:
        """Build a fresh simulated world from this scenario, reading every row."""
        return build_world(self.to_spec())

    def world(self) -> World:
        """Return a fresh world as the scenario starts, from its spec cached per content version.

        The spec is plain JSON in Django's cache, shared by every process; only a miss reads
        the rows. A spec that does not build raises WorldSpecError and is not cached.
        """
        key = f"{SPEC_CACHE_PREFIX}{self.pk}:{self.content_version}"
        spec = cache.get(key)
        if isinstance(spec, dict):
            try:
                # Only a spec that built (and so passed the content limits) is cached.
                return World.from_spec(spec)
            except Exception:  # another version of the code wrote it: build it again
                pass
        spec = self.to_spec()
        world = build_world(spec)
        cache.set(key, spec, SPEC_CACHE_SECONDS)
        return world

    def validate(
        self, already_checked: set[tuple[str, tuple[str, ...]]] | None = None
    ) -> list[ScenarioProblem]:
        """Return every problem with this scenario (empty when it is valid).

        `already_checked` names rows (model label, natural key) validated a moment ago, which
        need not be validated again.
        """
        return validate_scenario(self, scenario_content(self), already_checked)

    def accounts_for_overview(self) -> models.QuerySet[Account]:
        """Return the accounts with everything the overview page shows, fetched up front."""
        return self.accounts.order_by("account_id").prefetch_related(
            "policies",
            models.Prefetch(
                "users",
                User.objects.prefetch_related(
                    "groups", "managed_policies", "inline_policies", "access_keys", "mfa_device"
                ).select_related("permission_boundary"),
            ),
            models.Prefetch(
                "groups",
                Group.objects.prefetch_related("managed_policies", "inline_policies", "members"),
            ),
            models.Prefetch(
                "roles",
                Role.objects.prefetch_related(
                    models.Prefetch(
                        "managed_policies", ManagedPolicy.objects.select_related("account")
                    ),
                    "inline_policies",
                ).select_related("permission_boundary"),
            ),
            "identity_providers",
            models.Prefetch("buckets", Bucket.objects.prefetch_related("s3_objects")),
            models.Prefetch(
                "lambda_functions", LambdaFunction.objects.select_related("execution_role__account")
            ),
        )


class AccountManager(models.Manager["Account"]):
    def get_by_natural_key(self, slug: str, account_id: str) -> Account:
        return self.get(scenario__slug=slug, account_id=account_id)


class Account(Content):
    """An AWS account in a scenario."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="accounts")
    account_id = models.CharField(max_length=12, validators=[account_id_validator])
    alias = models.CharField(max_length=63, blank=True, validators=[account_alias_validator])

    objects = AccountManager()

    class Meta:
        ordering = ["scenario", "account_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["scenario", "account_id"],
                name="account_unique_per_scenario",
                violation_error_message="This scenario already has an account with this ID.",
            ),
            # Length only: a regex CHECK would need SQLite's REGEXP, which only Django's
            # connections define; the field's validator checks the digits.
            models.CheckConstraint(
                condition=Exact(Length("account_id"), 12),
                name="account_id_twelve_characters",
                violation_error_message="An AWS account ID is exactly 12 digits.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} ({self.alias})" if self.alias else self.account_id

    def natural_key(self) -> tuple[str, str]:
        return (*self.scenario.natural_key(), self.account_id)

    natural_key.dependencies = ["scenarios.scenario"]  # type: ignore[attr-defined]

    def arn(self, service: str, resource: str) -> str:
        """Return the ARN of an IAM or STS resource in this account."""
        return f"arn:aws:{service}::{self.account_id}:{resource}"


class AccountScopedManager(models.Manager):
    """Look up an object by (scenario slug, account ID, name)."""

    def get_by_natural_key(self, slug: str, account_id: str, name: str) -> Any:
        return self.get(account__scenario__slug=slug, account__account_id=account_id, name=name)


class AccountScoped(Content):
    """Something named within one account of a scenario."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")

    objects = AccountScopedManager()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name  # type: ignore[attr-defined]

    def natural_key(self) -> tuple[str, str, str]:
        return (*self.account.natural_key(), self.name)  # type: ignore[attr-defined]

    natural_key.dependencies = ["scenarios.account"]  # type: ignore[attr-defined]


def iam_name_unique(model: str, noun: str) -> models.UniqueConstraint:
    """IAM names are unique per account and case-insensitive (no `ADMINS` beside `admins`)."""
    return models.UniqueConstraint(
        "account",
        Lower("name"),
        name=f"{model}_name_unique_per_account",
        violation_error_message=(
            f"This account already has a {noun} with this name; IAM {noun} names are "
            "unique per account, ignoring case."
        ),
    )


def aws_managed_policy_arns_field() -> models.JSONField:
    # AWS managed policies exist in every account; they are named by ARN
    # (arn:aws:iam::aws:policy/NAME) and the world supplies their documents.
    return models.JSONField(
        default=list,
        blank=True,
        help_text='AWS managed policies by ARN, e.g. ["arn:aws:iam::aws:policy/ReadOnlyAccess"].',
    )


def iam_path_field() -> models.CharField:
    return models.CharField(max_length=512, default="/", validators=[iam_path_validator])


class ManagedPolicy(AccountScoped):
    """A customer managed policy: a standalone identity-based policy that can be attached."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="policies")
    name = models.CharField(max_length=128, validators=[iam_name_validator])
    path = iam_path_field()
    description = models.CharField(max_length=1000, blank=True)
    document = models.JSONField(help_text="The policy document (an identity-based policy).")

    class Meta:
        ordering = ["account", "name"]
        verbose_name_plural = "managed policies"
        constraints = [iam_name_unique("managedpolicy", "policy")]

    def clean(self) -> None:
        check_policy_field(self, "document", "identity")

    @property
    def arn(self) -> str:
        return self.account.arn("iam", f"policy{self.path}{self.name}")


class IamIdentity(AccountScoped):
    """An IAM identity (AWS's word for users, groups and roles): it holds policies."""

    class Meta:
        abstract = True

    def clean(self) -> None:
        arns = self.aws_managed_policy_arns
        if not isinstance(arns, list) or not all(
            isinstance(arn, str) and arn.startswith("arn:aws:iam::aws:policy/") for arn in arns
        ):
            raise ValidationError(
                {
                    "aws_managed_policy_arns": (
                        "Give a list of AWS managed policy ARNs, each like "
                        '"arn:aws:iam::aws:policy/ReadOnlyAccess".'
                    )
                }
            )


class Group(IamIdentity):
    """An IAM group: a set of users that share the policies attached to it."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(max_length=128, validators=[iam_name_validator])
    path = iam_path_field()
    managed_policies = models.ManyToManyField(ManagedPolicy, blank=True, related_name="groups")
    aws_managed_policy_arns = aws_managed_policy_arns_field()

    class Meta:
        ordering = ["account", "name"]
        constraints = [iam_name_unique("group", "group")]

    @property
    def arn(self) -> str:
        return self.account.arn("iam", f"group{self.path}{self.name}")


class User(IamIdentity):
    """An IAM user: a person or program with long-term credentials."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="users")
    name = models.CharField(max_length=64, validators=[iam_name_validator])
    path = iam_path_field()
    tags = models.JSONField(default=dict, blank=True, help_text='Tags as {"key": "value"}.')
    console_password = models.CharField(
        max_length=128,
        blank=True,
        help_text="A console password (the world records only that one exists; blank: none).",
    )
    # RESTRICT, not PROTECT: a policy in use as a boundary cannot be deleted on its own,
    # but deleting its account or scenario (which replacing a scenario does) takes both.
    permission_boundary = models.ForeignKey(
        ManagedPolicy,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="bounded_users",
        help_text="A managed policy capping what the user's policies can grant.",
    )
    groups = models.ManyToManyField(Group, blank=True, related_name="members")
    managed_policies = models.ManyToManyField(ManagedPolicy, blank=True, related_name="users")
    aws_managed_policy_arns = aws_managed_policy_arns_field()

    class Meta:
        ordering = ["account", "name"]
        constraints = [iam_name_unique("user", "user")]

    def clean(self) -> None:
        super().clean()
        check_tags(self, "tags")

    @property
    def arn(self) -> str:
        return self.account.arn("iam", f"user{self.path}{self.name}")


class Role(IamIdentity):
    """An IAM role: no password, no access key; assumed through STS for temporary credentials."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="roles")
    name = models.CharField(max_length=64, validators=[iam_name_validator])
    path = iam_path_field()
    description = models.CharField(max_length=1000, blank=True)
    trust_policy = models.JSONField(help_text="Who may assume the role, and on what conditions.")
    permission_boundary = models.ForeignKey(
        ManagedPolicy,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="bounded_roles",
        help_text="A managed policy capping what the role's policies can grant.",
    )
    max_session_duration = models.PositiveIntegerField(
        default=MIN_SESSION_DURATION,
        validators=[
            MinValueValidator(MIN_SESSION_DURATION),
            MaxValueValidator(MAX_SESSION_DURATION),
        ],
        help_text="Seconds, 3600 (one hour) to 43200 (twelve hours).",
    )
    tags = models.JSONField(default=dict, blank=True, help_text='Tags as {"key": "value"}.')
    managed_policies = models.ManyToManyField(ManagedPolicy, blank=True, related_name="roles")
    aws_managed_policy_arns = aws_managed_policy_arns_field()

    class Meta:
        ordering = ["account", "name"]
        constraints = [
            iam_name_unique("role", "role"),
            models.CheckConstraint(
                condition=models.Q(
                    max_session_duration__gte=MIN_SESSION_DURATION,
                    max_session_duration__lte=MAX_SESSION_DURATION,
                ),
                name="role_max_session_duration_in_range",
                violation_error_message=(
                    "The maximum session duration is 3600 to 43200 seconds (1 to 12 hours)."
                ),
            ),
        ]

    def clean(self) -> None:
        super().clean()
        check_policy_field(self, "trust_policy", "trust")
        check_tags(self, "tags")

    @property
    def arn(self) -> str:
        return self.account.arn("iam", f"role{self.path}{self.name}")

    def assumed_with_assume_role(self) -> bool:
        """Say whether the trust policy lets an IAM user, role or account call sts:AssumeRole."""
        iam_kinds = {"IAM user", "IAM role", "AWS account", "role session", "anyone"}
        return any(
            trusted.kind in iam_kinds and "sts:AssumeRole" in trusted.actions.split(", ")
            for trusted in self.trusted_principals()
        )

    def trusted_principals(self) -> list[TrustedPrincipal]:
        """Say who the trust policy's Allow statements let assume the role, for a student."""
        trusted: list[TrustedPrincipal] = []
        for statement in statement_principals(self.trust_policy, PolicyType.TRUST) or []:
            if statement.effect != "Allow":
                continue
            actions = ", ".join(statement.actions) if statement.action_element == "Action" else ""
            trusted += [
                TrustedPrincipal(
                    _principal_kind(entry), entry.value, actions, statement.conditional
                )
                for entry in statement.entries
            ]
        return trusted


@dataclass(frozen=True)
class TrustedPrincipal:
    """One principal a trust policy allows, described for a student."""

    kind: str
    value: str
    actions: str
    conditional: bool


# The engine's kinds of principal entry, in a student's words.
_PRINCIPAL_KIND_WORDS = {
    "everyone": "anyone",
    "account": "AWS account",
    "user": "IAM user",
    "role": "IAM role",
    "session": "role session",
    "service": "AWS service",
}
_PROVIDER_WORDS = {"oidc": "OIDC identity provider", "saml": "SAML identity provider"}


def _principal_kind(entry: PrincipalEntry) -> str:
    if entry.kind == "federated":
        return _PROVIDER_WORDS.get(entry.provider or "", "web identity provider")
    return _PRINCIPAL_KIND_WORDS.get(entry.kind, "principal")


class InlinePolicyManager(models.Manager["InlinePolicy"]):
    def get_by_natural_key(
        self, slug: str, account_id: str, owner_type: str, owner_name: str, name: str
    ) -> InlinePolicy:
        if owner_type not in InlinePolicyOwner.values:
            raise self.model.DoesNotExist(
                f"owner type {owner_type!r} is not one of {', '.join(InlinePolicyOwner.values)}"
            )
        return self.get(
            **{
                f"{owner_type}__account__scenario__slug": slug,
                f"{owner_type}__account__account_id": account_id,
                f"{owner_type}__name": owner_name,
            },
            name=name,
        )


class InlinePolicy(Content):
    """An inline policy: embedded in exactly one user, group or role, and deleted with it."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, null=True, blank=True, related_name="inline_policies"
    )
    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, null=True, blank=True, related_name="inline_policies"
    )
    role = models.ForeignKey(
        Role, on_delete=models.CASCADE, null=True, blank=True, related_name="inline_policies"
    )
    name = models.CharField(max_length=128, validators=[iam_name_validator])
    document = models.JSONField(help_text="The policy document (an identity-based policy).")

    objects = InlinePolicyManager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "inline policies"
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(user__isnull=False, group__isnull=True, role__isnull=True)
                    | models.Q(user__isnull=True, group__isnull=False, role__isnull=True)
                    | models.Q(user__isnull=True, group__isnull=True, role__isnull=False)
                ),
                name="inlinepolicy_exactly_one_owner",
                violation_error_message=(
                    "An inline policy belongs to exactly one user, group or role."
                ),
            ),
            *(
                models.UniqueConstraint(
                    owner,
                    Lower("name"),
                    condition=models.Q(**{f"{owner}__isnull": False}),
                    name=f"inlinepolicy_name_unique_per_{owner}",
                    violation_error_message=(
                        f"This {owner} already has an inline policy with this name "
                        "(inline policy names ignore case)."
                    ),
                )
                for owner in InlinePolicyOwner.values
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def owner(self) -> User | Group | Role | None:
        return self.user or self.group or self.role

    @property
    def owner_type(self) -> str:
        if self.user_id is not None:
            return InlinePolicyOwner.USER
        if self.group_id is not None:
            return InlinePolicyOwner.GROUP
        return InlinePolicyOwner.ROLE

    def natural_key(self) -> tuple[str, ...]:
        owner = self.owner
        assert owner is not None, "an inline policy always has an owner (database constraint)"
        return (*owner.account.natural_key(), self.owner_type, owner.name, self.name)

    natural_key.dependencies = ["scenarios.user", "scenarios.group", "scenarios.role"]  # type: ignore[attr-defined]

    def clean(self) -> None:
        check_policy_field(self, "document", "identity")


class UserCredentialManager(models.Manager):
    """Look up a user's credential by (slug, account ID, user name, identifier)."""

    lookup_field = ""

    def get_by_natural_key(self, slug: str, account_id: str, user_name: str, value: str) -> Any:
        return self.get(
            user__account__scenario__slug=slug,
            user__account__account_id=account_id,
            user__name=user_name,
            **{self.lookup_field: value},
        )


class AccessKeyManager(UserCredentialManager):
    lookup_field = "access_key_id"


class AccessKey(Content):
    """A user's long-term access key (AKIA...), which the console offers as a profile."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="access_keys")
    access_key_id = models.CharField(max_length=20, validators=[access_key_id_validator])
    secret_access_key = models.CharField(
        max_length=40,
        blank=True,
        validators=[secret_access_key_validator],
        help_text="Blank: the world generates one (the same on every run).",
    )
    status = models.CharField(
        max_length=8, choices=AccessKeyStatus.choices, default=AccessKeyStatus.ACTIVE
    )

    objects = AccessKeyManager()

    class Meta:
        ordering = ["access_key_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "access_key_id"],
                name="accesskey_unique_per_user",
                violation_error_message="This user already has an access key with this ID.",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=AccessKeyStatus.values),
                name="accesskey_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.access_key_id

    def natural_key(self) -> tuple[str, ...]:
        return (*self.user.natural_key(), self.access_key_id)

    natural_key.dependencies = ["scenarios.user"]  # type: ignore[attr-defined]


class MfaDeviceManager(UserCredentialManager):
    lookup_field = "name"


class MfaDevice(Content):
    """A user's virtual MFA device (serial arn:aws:iam::ACCOUNT:mfa/NAME)."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="mfa_device")
    name = models.CharField(max_length=128, validators=[iam_name_validator])

    objects = MfaDeviceManager()

    class Meta:
        ordering = ["name"]
        verbose_name = "MFA device"

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str, ...]:
        return (*self.user.natural_key(), self.name)

    natural_key.dependencies = ["scenarios.user"]  # type: ignore[attr-defined]

    @property
    def serial_number(self) -> str:
        return self.user.account.arn("iam", f"mfa/{self.name}")


oidc_name_validator = RegexValidator(
    r"^[A-Za-z0-9.-]+(:[0-9]+)?(/[A-Za-z0-9._~%!$&'()*+,;=:@/-]*)?$",
    "Give the provider's URL without https://: a host and an optional path, "
    "like token.actions.githubusercontent.com.",
)
saml_name_validator = RegexValidator(
    r"^[A-Za-z0-9._-]{1,128}$",
    "A SAML provider name is 1-128 letters, digits, dots, hyphens and underscores.",
)
thumbprint_validator = RegexValidator(
    r"^[0-9A-Fa-f]{40}$", "A thumbprint is 40 hexadecimal digits."
)


class IdentityProvider(AccountScoped):
    """An external identity provider whose users become federated users through a role.

    The name is what follows `oidc-provider/` or `saml-provider/` in the provider's ARN:
    for OIDC the provider URL without `https://` (also the prefix of its condition keys,
    `token.actions.githubusercontent.com:aud`), for SAML the provider's name.
    """

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="identity_providers"
    )
    type = models.CharField(max_length=4, choices=ProviderType.choices)
    name = models.CharField(max_length=255)
    client_ids = models.JSONField(
        default=list,
        blank=True,
        help_text='OIDC: the audiences (aud) it issues tokens for, e.g. ["sts.amazonaws.com"].',
    )
    thumbprints = models.JSONField(
        default=list, blank=True, help_text="OIDC: server certificate thumbprints (40 hex digits)."
    )
    issuer = models.CharField(
        max_length=255,
        blank=True,
        help_text="SAML: the IdP's entity ID (saml:iss); blank gives https://idp.example.com/NAME.",
    )

    class Meta:
        ordering = ["account", "type", "name"]
        constraints = [
            # Unique across both types, so that the natural key (slug, account, name) names
            # one provider.
            models.UniqueConstraint(
                fields=["account", "name"],
                name="identityprovider_name_unique_per_account",
                violation_error_message=(
                    "This account already has an identity provider with this name."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(type__in=ProviderType.values),
                name="identityprovider_type_valid",
            ),
        ]

    def clean(self) -> None:
        problems: dict[str, str] = {}
        if self.type == ProviderType.OIDC:
            if not oidc_name_validator.regex.match(self.name) or len(self.name) > 247:
                problems["name"] = str(oidc_name_validator.message)
            if not _is_list_of_strings(self.client_ids) or not self.client_ids:
                problems["client_ids"] = 'Give at least one client ID, e.g. ["sts.amazonaws.com"].'
            if not _is_list_of_strings(self.thumbprints) or not all(
                thumbprint_validator.regex.match(item) for item in self.thumbprints
            ):
                problems["thumbprints"] = "Give a list of thumbprints, each 40 hexadecimal digits."
            if self.issuer:
                problems["issuer"] = "Only a SAML provider has an issuer."
        elif self.type == ProviderType.SAML:
            if not saml_name_validator.regex.match(self.name):
                problems["name"] = str(saml_name_validator.message)
            if self.client_ids or self.thumbprints:
                problems["client_ids" if self.client_ids else "thumbprints"] = (
                    "Only an OIDC provider has client IDs and thumbprints."
                )
        if problems:
            raise ValidationError(problems)

    @property
    def arn(self) -> str:
        return self.account.arn("iam", f"{self.type}-provider/{self.name}")

    @property
    def url(self) -> str:
        """Return the OIDC provider's URL (SAML providers have none)."""
        return f"https://{self.name}" if self.type == ProviderType.OIDC else ""


class Bucket(AccountScoped):
    """An S3 bucket, with an optional bucket policy (a resource-based policy)."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="buckets")
    name = models.CharField(max_length=63, validators=[bucket_name_validator])
    policy = models.JSONField(
        null=True, blank=True, help_text="The bucket policy (a resource-based policy), or null."
    )

    class Meta:
        ordering = ["account", "name"]
        verbose_name = "S3 bucket"
        constraints = [
            models.UniqueConstraint(
                fields=["account", "name"],
                name="bucket_name_unique_per_account",
                violation_error_message="This account already has a bucket with this name.",
            ),
        ]

    def clean(self) -> None:
        if self.policy is not None:
            check_policy_field(self, "policy", "resource")

    @property
    def arn(self) -> str:
        return f"arn:aws:s3:::{self.name}"


class S3ObjectManager(models.Manager["S3Object"]):
    def get_by_natural_key(self, slug: str, account_id: str, bucket: str, key: str) -> S3Object:
        return self.get(
            bucket__account__scenario__slug=slug,
            bucket__account__account_id=account_id,
            bucket__name=bucket,
            key=key,
        )


class S3Object(Content):
    """An object in a bucket; its body is text, small enough to show a student."""

    # Not "objects": that would hide the Bucket manager of the same name.
    bucket = models.ForeignKey(Bucket, on_delete=models.CASCADE, related_name="s3_objects")
    key = models.CharField(max_length=1024)
    body = models.TextField(blank=True, max_length=65536)

    objects = S3ObjectManager()

    class Meta:
        ordering = ["bucket", "key"]
        verbose_name = "S3 object"
        constraints = [
            models.UniqueConstraint(
                fields=["bucket", "key"],
                name="s3object_key_unique_per_bucket",
                violation_error_message="This bucket already has an object with this key.",
            ),
        ]

    def __str__(self) -> str:
        return f"s3://{self.bucket.name}/{self.key}"

    def natural_key(self) -> tuple[str, ...]:
        return (*self.bucket.natural_key(), self.key)

    natural_key.dependencies = ["scenarios.bucket"]  # type: ignore[attr-defined]


MAX_LAMBDA_CALLS = 20


class LambdaFunction(AccountScoped):
    """A Lambda function; when invoked it acts as its execution role."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="lambda_functions")
    name = models.CharField(max_length=64, validators=[lambda_name_validator])
    description = models.CharField(max_length=256, blank=True)
    runtime = models.CharField(max_length=32, default="python3.12")
    handler = models.CharField(max_length=128, default="lambda_function.lambda_handler")
    execution_role = models.ForeignKey(
        Role, on_delete=models.RESTRICT, related_name="lambda_functions"
    )
    calls = models.JSONField(
        default=list,
        blank=True,
        help_text=(
            'What the function does when invoked: [{"service", "operation", "params"}], '
            "made in order as its execution role."
        ),
    )

    class Meta:
        ordering = ["account", "name"]
        verbose_name = "Lambda function"
        constraints = [
            models.UniqueConstraint(
                fields=["account", "name"],
                name="lambdafunction_name_unique_per_account",
                violation_error_message=(
                    "This account already has a Lambda function with this name."
                ),
            ),
        ]

    def clean(self) -> None:
        calls = self.calls
        if not isinstance(calls, list) or len(calls) > MAX_LAMBDA_CALLS:
            raise ValidationError({"calls": f"Give a list of at most {MAX_LAMBDA_CALLS} calls."})
        # The world checks each call's service, operation and parameters in depth.
        for index, call in enumerate(calls):
            if not isinstance(call, dict):
                raise ValidationError(
                    {
                        "calls": (
                            f"[{index}]: give an object such as "
                            '{"service": "s3", "operation": "GetObject", "params": {...}}.'
                        )
                    }
                )

    @property
    def arn(self) -> str:
        return f"arn:aws:lambda:us-east-1:{self.account.account_id}:function:{self.name}"


def _is_list_of_strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


# The content models in the order they can be loaded: everything a row refers to comes
# before it. Loading, dumping and validation all walk a scenario in this order.
CONTENT_MODELS: list[type[models.Model]] = [
    Scenario,
    Account,
    ManagedPolicy,
    Group,
    User,
    AccessKey,
    MfaDevice,
    Role,
    InlinePolicy,
    IdentityProvider,
    Bucket,
    S3Object,
    LambdaFunction,
]


def _in_scenario(model: type[models.Model], scenario: Scenario) -> models.Q:
    if model is Scenario:
        return models.Q(pk=scenario.pk)
    if model is Account:
        return models.Q(scenario=scenario)
    if model is InlinePolicy:
        return (
            models.Q(user__account__scenario=scenario)
            | models.Q(group__account__scenario=scenario)
            | models.Q(role__account__scenario=scenario)
        )
    if model in (AccessKey, MfaDevice):
        return models.Q(user__account__scenario=scenario)
    if model is S3Object:
        return models.Q(bucket__account__scenario=scenario)
    return models.Q(account__scenario=scenario)


def scenario_content(scenario: Scenario) -> list[models.Model]:
    """Return every row of `scenario`, the scenario first, in loading order."""
    rows: list[models.Model] = []
    for model in CONTENT_MODELS:
        rows.extend(model._default_manager.filter(_in_scenario(model, scenario)).distinct())
    return rows
