"""Who may assume which role, who may pass which role, who can reach admin: the engine's answers.

Every answer is the engine's decision, asked through `world.simulate`: a principal may assume
a role when `sts:AssumeRole` (or `AssumeRoleWithWebIdentity`, `AssumeRoleWithSAML`, or a
service's `AssumeRole`) is Allowed. When the engine denies only because conditions did not
match, the question is asked again with a request context that satisfies those conditions
(the engine's `satisfying_value`); if the engine then allows, the pair is conditional on
those keys. A principal may pass a role to a service when `iam:PassRole` is Allowed with
`iam:PassedToService` set to a service that may assume the role.

A principal is an *administrator* when the engine allows it an action that no service
defines (`iamlab:AnyAction`) on resource `*`: only a policy that allows every action on
every resource (such as AdministratorAccess) can allow that. Principals from which an
administrator can be reached along the pairs are found as PMapper does.

Asking the engine about every pair would be slow for a large world, so pairs that cannot
possibly be allowed are left out first: a trust policy's Allow statements must name the
principal, its account, or everyone (as the engine reads the Principal elements); and when
they name only the account, the principal's own identity-based policies (as the world
gathers them) must hold an Allow statement whose Action could match. This filter only
removes pairs; every pair kept is still the engine's decision.

`trust.py` draws the result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from iamlab.engine import PolicyType, statement_principals
from iamlab.engine.conditions import satisfying_value
from iamlab.engine.wildcard import compile_pattern

if TYPE_CHECKING:
    from iamlab.world import World
    from iamlab.world.entities import Role


ADMIN_PROBE_ACTION = "iamlab:AnyAction"
ADMIN_PROBE_RESOURCE = "*"
# A few seconds of engine time at most (the 200-principal bench world needs 764 answers);
# a world that needs more is analysed in part.
MAX_QUESTIONS = 5_000

ASSUME_ACTIONS = {
    "user": "sts:AssumeRole",
    "role": "sts:AssumeRole",
    "service": "sts:AssumeRole",
    "account": "sts:AssumeRole",
    "oidc": "sts:AssumeRoleWithWebIdentity",
    "web": "sts:AssumeRoleWithWebIdentity",
    "saml": "sts:AssumeRoleWithSAML",
}


@dataclass
class Candidate:
    """A principal that may appear on the tail of a pair."""

    key: str
    arn: str  # what world.simulate is asked about
    kind: str  # user, role, service, account, oidc, web, saml
    account: str | None
    name: str  # the user's, role's or provider's name, the service or the account id
    path: str = "/"  # a role's path


@dataclass(frozen=True)
class AssumePair:
    """The engine allows `tail` to assume the role `head`, perhaps only under conditions."""

    tail: str
    head: str
    action: str
    conditions: tuple[str, ...] = ()  # "key = value" parts the request must satisfy


@dataclass(frozen=True)
class PassPair:
    """The engine allows `tail` to pass the role `head` to `service` (iam:PassRole)."""

    tail: str
    head: str
    service: str


@dataclass
class TrustAnalysis:
    """What the engine says about a world's roles: the facts a trust graph draws."""

    candidates: list[Candidate]
    roles: list[Role]
    assume_pairs: list[AssumePair]
    pass_pairs: list[PassPair]
    administrators: set[str]
    reaching: set[str]  # keys from which an administrator can be reached (admins included)
    questions: int  # how many questions the engine was asked
    truncated: bool  # MAX_QUESTIONS was reached: some pairs may be missing


@dataclass
class TrustAudience:
    """Whom the Allow statements of one trust policy could possibly name."""

    everyone: bool = False
    accounts: set[str] = field(default_factory=set)
    arns: set[str] = field(default_factory=set)
    session_roles: set[tuple[str, str]] = field(default_factory=set)
    federated: set[str] = field(default_factory=set)
    services: set[str] = field(default_factory=set)
    unknown: bool = False  # a form we do not recognise: ask the engine about everyone


def trust_audience(trust_policy: dict[str, Any]) -> TrustAudience:
    """Read whom a trust policy's Allow statements could name (a filter, not a decision)."""
    audience = TrustAudience()
    statements = statement_principals(trust_policy, PolicyType.TRUST)
    if statements is None:
        audience.unknown = True
        return audience
    for statement in statements:
        if statement.effect != "Allow":
            continue
        if statement.element != "Principal":
            audience.unknown = True
            continue
        for entry in statement.entries:
            if entry.kind == "everyone":
                audience.everyone = True
            elif entry.kind == "account":
                audience.accounts.add(entry.account or "")
            elif entry.kind == "session":
                audience.session_roles.add((entry.account or "", entry.role_name or ""))
            elif entry.kind in ("user", "role", "federated_user"):
                audience.arns.add(without_path(entry.value))
            elif entry.kind == "federated":
                audience.federated.add(entry.value)
            elif entry.kind == "service":
                audience.services.add(entry.value)
    return audience


def without_path(arn: str) -> str:
    """Return a user or role ARN without its path, so that filtering never misses a match."""
    prefix, sep, rest = arn.partition(":user/") if ":user/" in arn else arn.partition(":role/")
    return f"{prefix}{sep}{rest.rsplit('/', 1)[-1]}" if sep else arn


def _as_list(value: object) -> list[Any]:
    if isinstance(value, list):
        return value
    return [value] if value is not None else []


def _may_allow(documents: list[dict[str, Any]], action: str, resource: str) -> bool:
    """Say whether any Allow statement could match the request (a filter, not a decision).

    It errs towards yes: NotAction, NotResource, a missing Resource or a policy variable
    all count as a possible match, and case is ignored throughout.
    """
    for document in documents:
        for statement in _as_list(document.get("Statement")):
            if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
                continue
            if "NotAction" not in statement and not any(
                isinstance(pattern, str)
                and compile_pattern(pattern, ignore_case=True).match(action)
                for pattern in _as_list(statement.get("Action"))
            ):
                continue
            if "Resource" not in statement or any(
                isinstance(pattern, str)
                and ("${" in pattern or compile_pattern(pattern, ignore_case=True).match(resource))
                for pattern in _as_list(statement.get("Resource"))
            ):
                return True
    return False


def _unmet_conditions(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the conditions that alone kept an otherwise matching Allow statement out."""
    unmet = []
    for policy in (result.get("explanation") or {}).get("policies") or []:
        for statement in policy.get("statements") or []:
            if statement.get("effect") != "Allow" or statement.get("matched"):
                continue
            parts = [statement.get(name) for name in ("action", "resource", "principal")]
            if not all(part is None or part.get("matched") for part in parts):
                continue
            failed = [c for c in statement.get("conditions") or [] if not c.get("matched")]
            if failed:
                unmet.extend(failed)
    return unmet


def _condition_context(conditions: list[dict[str, Any]]) -> tuple[dict[str, Any], list[str]]:
    """Return a context satisfying the conditions it can, and a label part for each."""
    context: dict[str, Any] = {}
    labels = []
    for condition in conditions:
        operator = str(condition.get("operator", ""))
        key = str(condition.get("key", ""))
        for value in condition.get("policy_values") or []:
            text = str(value).lower() if isinstance(value, bool) else str(value)
            satisfying = satisfying_value(operator, text)
            if satisfying is not None:
                set_operator = operator.lower().startswith(("forallvalues:", "foranyvalue:"))
                context[key] = [satisfying] if set_operator else satisfying
                labels.append(f"{key} {_operator_word(operator)} {value}")
                break
    return context, labels


def _operator_word(operator: str) -> str:
    base = operator.split(":", 1)[-1].removesuffix("IfExists").lower()
    if "like" in base:
        return "like"
    if base in {"ipaddress"}:
        return "in"
    if "lessthan" in base:
        return "<=" if base.endswith("equals") else "<"
    if "greaterthan" in base:
        return ">=" if base.endswith("equals") else ">"
    return "="


class _Analyst:
    def __init__(self, world: World, max_questions: int) -> None:
        self.world = world
        self.max_questions = max_questions
        self.candidates: list[Candidate] = []
        self.roles: list[Role] = []
        self.audiences: dict[str, TrustAudience] = {}
        self.documents: dict[str, list[dict[str, Any]]] = {}
        self.assume_pairs: list[AssumePair] = []
        self.pass_pairs: list[PassPair] = []
        self.questions = 0
        self.truncated = False

    def simulate(
        self, arn: str, action: str, resource: str, context: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        if self.questions >= self.max_questions:
            # A learner can create roles in their workspace; the page must still answer.
            self.truncated = True
            return {"decision": None}
        self.questions += 1
        return self.world.simulate(arn, action, resource, context)

    def identity_documents(self, candidate: Candidate) -> list[dict[str, Any]]:
        """Return a user's or role's identity-based policies, as the world gathers them."""
        if candidate.key not in self.documents:
            entity = (
                self.world.find_user(candidate.arn)
                if candidate.kind == "user"
                else self.world.find_role(candidate.arn)
            )
            self.documents[candidate.key] = (
                self.world.identity_policy_documents(entity) if entity is not None else []
            )
        return self.documents[candidate.key]

    def collect(self) -> None:
        for account_id, account in self.world.accounts.items():
            for user in account.users.values():
                self.candidates.append(
                    Candidate(f"principal:{user.arn}", user.arn, "user", account_id, user.name)
                )
            for role in account.roles.values():
                self.candidates.append(
                    Candidate(
                        f"principal:{role.arn}", role.arn, "role", account_id, role.name, role.path
                    )
                )
                self.roles.append(role)
                self.audiences[role.arn] = trust_audience(role.trust_policy)
            for provider in account.identity_providers.values():
                self.candidates.append(
                    Candidate(
                        f"principal:{provider.arn}",
                        provider.arn,
                        provider.type,
                        account_id,
                        provider.name,
                    )
                )
        named_services: set[str] = set()
        named_federated: set[str] = set()
        named_accounts: set[str] = set()
        for audience in self.audiences.values():
            named_services |= audience.services
            named_federated |= audience.federated
            named_accounts |= audience.accounts
        for service in sorted(named_services):
            self.candidates.append(
                Candidate(f"service:{service}", service, "service", None, service)
            )
        for name in sorted(named_federated):
            if name.startswith("arn:"):
                continue  # providers of the world are already candidates
            self.candidates.append(Candidate(f"principal:{name}", name, "web", None, name))
        for account_id in sorted(named_accounts - set(self.world.accounts)):
            self.candidates.append(
                Candidate(
                    f"account:{account_id}",
                    f"arn:aws:iam::{account_id}:root",
                    "account",
                    account_id,
                    account_id,
                )
            )

    def could_assume(self, candidate: Candidate, role: Role) -> bool:
        audience = self.audiences[role.arn]
        if audience.unknown:
            return True
        if candidate.kind == "service":
            return audience.everyone or candidate.arn in audience.services
        if candidate.kind in {"oidc", "saml", "web"}:
            return audience.everyone or candidate.arn in audience.federated
        if audience.everyone or without_path(candidate.arn) in audience.arns:
            return True
        if candidate.kind == "role" and (candidate.account, candidate.name) in (
            audience.session_roles
        ):
            return True
        if candidate.account not in audience.accounts:
            return False
        if candidate.kind == "account":
            return True
        # Trusting an account delegates to it: the principal's own policies must allow.
        documents = self.identity_documents(candidate)
        return _may_allow(documents, ASSUME_ACTIONS[candidate.kind], role.arn)

    def ask_assume(self, candidate: Candidate, role: Role) -> None:
        action = ASSUME_ACTIONS[candidate.kind]
        result = self.simulate(candidate.arn, action, role.arn)
        role_key = f"principal:{role.arn}"
        if result.get("decision") == "Allowed":
            self.assume_pairs.append(AssumePair(candidate.key, role_key, action))
            return
        if result.get("decision") != "ImplicitlyDenied":
            return
        context, labels = _condition_context(_unmet_conditions(result))
        if not context:
            return
        retry = self.simulate(candidate.arn, action, role.arn, context)
        if retry.get("decision") == "Allowed":
            self.assume_pairs.append(AssumePair(candidate.key, role_key, action, tuple(labels)))

    def ask_pass_role(self) -> None:
        services_of_role: dict[str, list[str]] = {}
        for pair in self.assume_pairs:
            if pair.tail.startswith("service:"):
                services_of_role.setdefault(pair.head, []).append(
                    pair.tail.removeprefix("service:")
                )
        for role in self.roles:
            role_key = f"principal:{role.arn}"
            for service in services_of_role.get(role_key, []):
                for candidate in self.candidates:
                    # PassRole cannot hand over a role of another account (IAM-FACTS 5).
                    if (
                        candidate.kind not in {"user", "role"}
                        or candidate.account != role.account_id
                    ):
                        continue
                    if not _may_allow(self.identity_documents(candidate), "iam:PassRole", role.arn):
                        continue
                    result = self.simulate(
                        candidate.arn, "iam:PassRole", role.arn, {"iam:PassedToService": service}
                    )
                    if result.get("decision") == "Allowed":
                        self.pass_pairs.append(PassPair(candidate.key, role_key, service))

    def ask_administrators(self) -> set[str]:
        admins = set()
        for candidate in self.candidates:
            if candidate.kind not in {"user", "role"}:
                continue
            if not _may_allow(self.identity_documents(candidate), ADMIN_PROBE_ACTION, "*"):
                continue
            result = self.simulate(candidate.arn, ADMIN_PROBE_ACTION, ADMIN_PROBE_RESOURCE)
            if result.get("decision") == "Allowed":
                admins.add(candidate.key)
        return admins

    def analyse(self) -> TrustAnalysis:
        self.collect()
        for role in self.roles:
            for candidate in self.candidates:
                if self.could_assume(candidate, role):
                    self.ask_assume(candidate, role)
        self.ask_pass_role()
        admins = self.ask_administrators()
        successors: dict[str, set[str]] = {}
        for pair in [*self.assume_pairs, *self.pass_pairs]:
            successors.setdefault(pair.tail, set()).add(pair.head)
        return TrustAnalysis(
            candidates=self.candidates,
            roles=self.roles,
            assume_pairs=self.assume_pairs,
            pass_pairs=self.pass_pairs,
            administrators=admins,
            reaching=_reaching(successors, admins),
            questions=self.questions,
            truncated=self.truncated,
        )


def _reaching(successors: dict[str, set[str]], targets: set[str]) -> set[str]:
    """Return every node from which a target can be reached (targets included)."""
    predecessors: dict[str, set[str]] = {}
    for tail, heads in successors.items():
        for head in heads:
            predecessors.setdefault(head, set()).add(tail)
    reached = set(targets)
    frontier = list(targets)
    while frontier:
        node = frontier.pop()
        for tail in predecessors.get(node, ()):
            if tail not in reached:
                reached.add(tail)
                frontier.append(tail)
    return reached


def analyse_trust(world: World, max_questions: int = MAX_QUESTIONS) -> TrustAnalysis:
    """Ask the engine who may assume and pass which role, and who can reach admin."""
    return _Analyst(world, max_questions).analyse()
