"""Every page and form a student can reach: what the security suite walks.

Add a page or a form here when it is built (lessons, the console, the playground), and
every hostile-input test, the header checks and the browser's Content-Security-Policy
check cover it too. Every URL pattern of the site is also in REACHES (an address that can
reach a learner's work, progress or class, checked for guessed ids) or in SHARED_ROUTES
(what every visitor shares); test_idor.py fails for a pattern in neither.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# The scenario the pages are shown for, and a lesson over it (tests/security/conftest.py
# loads both).
SLUG = "hostile"
LESSON = "hostile-lesson"


@dataclass(frozen=True)
class Page:
    """A page a student can open with GET, and the status it answers with."""

    url: str
    status: int = 200
    staff: bool = False  # only for a signed-in instructor


@dataclass(frozen=True)
class Form:
    """A form a student can post: where, and a complete valid submission."""

    url: str
    data: dict[str, str] = field(default_factory=dict)


PAGES: list[Page] = [
    Page("/"),
    Page("/scenarios/"),
    Page(f"/scenarios/{SLUG}/"),
    Page("/diagrams/"),
    Page(f"/diagrams/scenarios/{SLUG}/trust/"),
    Page(f"/diagrams/scenarios/{SLUG}/sessions/"),
    Page(f"/diagrams/scenarios/{SLUG}/evaluation/"),
    Page("/console/"),
    Page(f"/console/{SLUG}/"),
    Page(f"/console/{SLUG}/graph/"),
    Page("/playground/"),
    Page("/lessons/"),
    Page(f"/lessons/{LESSON}/"),
    Page(f"/lessons/{LESSON}/1/"),
    Page("/accounts/login/"),
    Page("/accounts/signup/"),
    Page("/no-such-page/", status=404),
    Page("/admin/login/"),
    Page("/instructor/", staff=True),
    Page("/instructor/content/", staff=True),
    Page("/admin/", staff=True),
    Page("/admin/scenarios/scenario/", staff=True),
    Page("/admin/scenarios/role/", staff=True),
    Page("/admin/scenarios/role/add/", staff=True),
]

# Downloads are not HTML pages: they carry their own policy (diagrams/views.py).
DOWNLOADS: list[str] = [
    f"/diagrams/scenarios/{SLUG}/trust.svg",
    f"/diagrams/scenarios/{SLUG}/trust.dot",
    f"/diagrams/scenarios/{SLUG}/sessions.svg",
    f"/diagrams/scenarios/{SLUG}/evaluation.svg",
]

PASSWORD = "correct-horse-battery-9"

FORMS: list[Form] = [
    Form("/accounts/login/", {"username": "learner", "password": PASSWORD}),
    Form(
        "/accounts/signup/",
        {"username": "newcomer", "password1": PASSWORD, "password2": PASSWORD},
    ),
    Form("/accounts/logout/"),
    Form(f"/console/{SLUG}/run/", {"line": "aws sts get-caller-identity"}),
    Form(f"/console/{SLUG}/reset/", {"confirm": "on"}),
    Form(
        "/playground/",
        {
            "principal": "arn:aws:iam::111122223333:user/alice",
            "actions": "s3:GetObject",
            "resources": "arn:aws:s3:::example-reports/q1.csv",
            "identity": '{"Version": "2012-10-17", "Statement": []}',
        },
    ),
    Form(f"/lessons/{LESSON}/1/act/", {"line": "aws sts get-caller-identity --profile alice"}),
    Form(f"/lessons/{LESSON}/1/hint/"),
    Form(f"/lessons/{LESSON}/1/solution/", {"confirm": "on"}),
    Form(f"/lessons/{LESSON}/reset/"),
    Form("/admin/login/", {"username": "instructor", "password": PASSWORD}),
]

# Where a slug or a file name is read from the address.
SLUG_ROUTES: list[str] = [
    "/scenarios/{}/",
    "/diagrams/scenarios/{}/trust/",
    "/diagrams/scenarios/{}/trust.svg",
    "/diagrams/scenarios/{}/evaluation.dot",
    "/console/{}/",
    "/console/{}/session.sh",
    "/lessons/{}/",
    "/lessons/{}/1/",
]


# Learner A's things, and the addresses that could reach them (tests/security/test_idor.py).
# A runs console lines holding MARKER (a role and a role session named after it, an S3 key),
# works through step 1 of LESSON, and is in a class whose name holds it; the other visitors
# must never see it, and nothing of A's may change when they ask.
MARKER = "ZephyrMarker42"

# Who asks. The rightful viewer is A for A's own work, the class's instructor for the
# instructor pages, and the site's administrator (a superuser) for the admin.
STUDENT = "student"  # another learner, signed in
ANONYMOUS = "anonymous"
INSTRUCTOR = "instructor"  # an instructor (staff, not a superuser) of another class
STRANGERS = (STUDENT, ANONYMOUS, INSTRUCTOR)

# Where a visitor who may not see a page is sent.
SIGN_IN = "sign in"  # /accounts/login/?next=<the address>
ADMIN_SIGN_IN = "admin sign in"  # /admin/login/?next=<the address>


@dataclass(frozen=True)
class Reach:
    """An address that names (or could name) a learner's thing, and what each visitor gets.

    `url` may hold `{class}`, `{student}`, `{assignment}` (A's class, A's user id, the
    class's assignment), `{workspace}`, `{progress}` (A's console workspace, A's lesson
    progress) and `{event}` (the number of A's first call with a decision), filled in with
    A's own ids: the guess a stranger would make. `strangers` gives each stranger's status;
    `goes_to` where a 302 leads (SIGN_IN and ADMIN_SIGN_IN name the sign-in pages, "" none).
    `strangers_see` is what their answer says instead, when it says something particular.
    `shows` is what the rightful viewer (`owner`: "learner" A, "teacher", "administrator")
    finds in the answer, proving the address does reach A's thing; no stranger's answer
    holds it, nor MARKER.
    """

    route: str  # the URL pattern, as Django's resolver spells it (the inventory test)
    url: str
    strangers: dict[str, int]
    owner_status: int = 200
    owner: str = "learner"
    shows: str = MARKER
    method: str = "get"
    data: dict[str, str] = field(default_factory=dict)
    htmx: bool = False
    goes_to: dict[str, str] = field(default_factory=dict)
    strangers_see: str = ""  # what the strangers' answer says instead


def _everyone(status: int, **others: int) -> dict[str, int]:
    """Return the same status for every stranger, except those given."""
    return {who: others.get(who, status) for who in STRANGERS}


# Instructor pages: a student gets the site's 403 page, an anonymous visitor signs in, an
# instructor of another class is told the class does not exist (404: a class is found
# only among its owner's, so its existence is not revealed).
CLASS_PAGE = {STUDENT: 403, ANONYMOUS: 302, INSTRUCTOR: 404}
# The admin: anyone without staff status is sent to its sign-in page; staff without the
# model's permissions (how docs/instructors.md makes a colleague an instructor) get 403.
ADMIN_PAGE = {STUDENT: 302, ANONYMOUS: 302, INSTRUCTOR: 403}
TO_SIGN_IN = {ANONYMOUS: SIGN_IN}
TO_ADMIN_SIGN_IN = {STUDENT: ADMIN_SIGN_IN, ANONYMOUS: ADMIN_SIGN_IN}
HX = True

STEP = f"/lessons/{LESSON}/1/"
CLASS = "/instructor/classes/{class}/"
A_IN_CLASS = CLASS + "students/{student}/"

REACHES: list[Reach] = [
    # The learner's own work: no address names it, the request's account or browser
    # session does; everyone asking the same address gets their own.
    Reach("", "/", _everyone(200), shows='data-progress-done="1"'),
    Reach("lessons/", "/lessons/", _everyone(200), shows='data-progress-done="1"'),
    Reach(
        "lessons/<slug:slug>/",
        f"/lessons/{LESSON}/",
        _everyone(200),
        shows='data-step="1" data-step-done="true"',
    ),
    Reach("lessons/<slug:slug>/<int:number>/", STEP, _everyone(200)),
    Reach("lessons/<slug:slug>/<int:number>/", STEP, _everyone(200), htmx=HX),
    # A step number: A has done step 1, so step 2 is open to A; anyone else is sent to
    # their own first open step.
    Reach(
        "lessons/<slug:slug>/<int:number>/",
        f"/lessons/{LESSON}/2/",
        _everyone(302),
        shows='data-step-status="open"',
        goes_to={who: STEP for who in STRANGERS},
    ),
    Reach(
        "lessons/<slug:slug>/<int:number>/act/",
        STEP + "act/",
        _everyone(200),
        method="post",
        data={"line": "aws sts get-caller-identity --profile alice"},
    ),
    Reach(
        "lessons/<slug:slug>/<int:number>/act/",
        STEP + "act/",
        _everyone(200),
        method="post",
        data={"line": "aws sts get-caller-identity --profile alice"},
        htmx=HX,
    ),
    Reach(
        "lessons/<slug:slug>/<int:number>/diagrams/", STEP + "diagrams/", _everyone(200), htmx=HX
    ),
    Reach("lessons/<slug:slug>/<int:number>/hint/", STEP + "hint/", _everyone(200), method="post"),
    Reach(
        "lessons/<slug:slug>/<int:number>/solution/",
        STEP + "solution/",
        _everyone(200),
        method="post",
        data={"confirm": "on"},
    ),
    Reach(
        "lessons/<slug:slug>/reset/",
        f"/lessons/{LESSON}/reset/",
        _everyone(302),
        owner_status=302,
        shows="",
        method="post",
        goes_to={who: STEP for who in (*STRANGERS, "learner")},
    ),
    Reach("scenarios/<slug:slug>/", f"/scenarios/{SLUG}/", _everyone(200)),
    *[
        Reach(f"diagrams/scenarios/<slug:slug>/{name}{suffix}", url, _everyone(200))
        for name in ("trust", "sessions")
        for suffix, url in [
            ("/", f"/diagrams/scenarios/{SLUG}/{name}/"),
            (".svg", f"/diagrams/scenarios/{SLUG}/{name}.svg"),
            (".dot", f"/diagrams/scenarios/{SLUG}/{name}.dot"),
        ]
    ],
    # A call's number: it counts the calls of the asker's own world, where A's is not.
    *[
        Reach(
            f"diagrams/scenarios/<slug:slug>/evaluation{suffix}",
            f"/diagrams/scenarios/{SLUG}/evaluation{suffix}?event={{event}}",
            _everyone(400),
            strangers_see="with a decision in this world; the calls with decisions are "
            "numbered nothing yet.",
        )
        for suffix in ("/", ".svg", ".dot")
    ],
    Reach("console/<slug:slug>/", f"/console/{SLUG}/", _everyone(200)),
    Reach("console/<slug:slug>/graph/", f"/console/{SLUG}/graph/", _everyone(200)),
    Reach("console/<slug:slug>/session.sh", f"/console/{SLUG}/session.sh", _everyone(200)),
    Reach(
        "console/<slug:slug>/run/",
        f"/console/{SLUG}/run/",
        _everyone(302),
        owner_status=302,
        shows="",
        method="post",
        data={"line": "aws sts get-caller-identity --profile alice"},
        goes_to={who: f"/console/{SLUG}/" for who in (*STRANGERS, "learner")},
    ),
    # With htmx the answer carries the side panel: the asker's calls, profiles and clock.
    Reach(
        "console/<slug:slug>/run/",
        f"/console/{SLUG}/run/",
        _everyone(200),
        method="post",
        data={"line": "aws sts get-caller-identity --profile alice"},
        htmx=HX,
        shows="#1 iam:CreateRole</a>",
    ),
    # A has a role session to export; nobody else does (400, the console page says so).
    Reach(
        "console/<slug:slug>/export/",
        f"/console/{SLUG}/export/",
        _everyone(400),
        owner_status=302,
        shows="",
        method="post",
        goes_to={"learner": f"/console/{SLUG}/"},
    ),
    Reach(
        "console/<slug:slug>/reset/",
        f"/console/{SLUG}/reset/",
        _everyone(302),
        owner_status=302,
        shows="",
        method="post",
        data={"confirm": "yes"},
        goes_to={who: f"/console/{SLUG}/" for who in (*STRANGERS, "learner")},
    ),
    # The playground loads an entity from the asker's own world of the scenario.
    Reach(
        "playground/",
        f"/playground/?scenario={SLUG}&entity=role:arn:aws:iam::111122223333:role/{MARKER}",
        _everyone(200),
        strangers_see="That entity is not in this scenario.",
    ),
    # A class's number after joining: only a class the asker is in is named.
    Reach(
        "classes/",
        "/classes/?joined={class}",
        _everyone(200, anonymous=302),
        shows="data-joined",
        goes_to=TO_SIGN_IN,
    ),
    # A join code: the link an instructor shares only fills in the form; joining is a post.
    Reach(
        "classes/join/",
        "/classes/join/?code={code}",
        _everyone(302),
        owner_status=302,
        shows="",
        goes_to={
            STUDENT: "/classes/?code={code}",
            INSTRUCTOR: "/classes/?code={code}",
            ANONYMOUS: SIGN_IN,
            "learner": "/classes/?code={code}",
        },
    ),
    # The instructor pages: a class, a student and an assignment by number.
    Reach(
        "instructor/",
        "/instructor/",
        {STUDENT: 403, ANONYMOUS: 302, INSTRUCTOR: 200},
        owner="teacher",
        goes_to=TO_SIGN_IN,
    ),
    Reach("instructor/classes/<int:pk>/", CLASS, CLASS_PAGE, owner="teacher", goes_to=TO_SIGN_IN),
    Reach(
        "instructor/classes/<int:pk>/assign/",
        CLASS + "assign/",
        CLASS_PAGE,
        owner="teacher",
        owner_status=400,
        method="post",
        goes_to=TO_SIGN_IN,
    ),
    Reach(
        "instructor/classes/<int:pk>/assignments/<int:assignment_pk>/remove/",
        CLASS + "assignments/{assignment}/remove/",
        CLASS_PAGE,
        owner="teacher",
        owner_status=302,
        shows="",
        method="post",
        goes_to={**TO_SIGN_IN, "teacher": CLASS},
    ),
    Reach(
        "instructor/classes/<int:pk>/progress.csv",
        CLASS + "progress.csv",
        CLASS_PAGE,
        owner="teacher",
        shows="\r\nann,",
        goes_to=TO_SIGN_IN,
    ),
    Reach(
        "instructor/classes/<int:pk>/students/<int:user_pk>/",
        A_IN_CLASS,
        CLASS_PAGE,
        owner="teacher",
        goes_to=TO_SIGN_IN,
    ),
    Reach(
        "instructor/classes/<int:pk>/students/<int:user_pk>/lessons/<slug:slug>/",
        A_IN_CLASS + f"lessons/{LESSON}/",
        CLASS_PAGE,
        owner="teacher",
        goes_to=TO_SIGN_IN,
    ),
    Reach(
        "instructor/classes/<int:pk>/students/<int:user_pk>/lessons/<slug:slug>/reset/",
        A_IN_CLASS + f"lessons/{LESSON}/reset/",
        CLASS_PAGE,
        owner="teacher",
        goes_to=TO_SIGN_IN,
    ),
    Reach(
        "instructor/classes/<int:pk>/students/<int:user_pk>/lessons/<slug:slug>/reset/",
        A_IN_CLASS + f"lessons/{LESSON}/reset/",
        CLASS_PAGE,
        owner="teacher",
        owner_status=302,
        shows="",
        method="post",
        goes_to={**TO_SIGN_IN, "teacher": A_IN_CLASS + f"lessons/{LESSON}/?reset=done"},
    ),
    Reach(
        "instructor/classes/<int:pk>/live/<slug:slug>/<int:number>/",
        CLASS + f"live/{LESSON}/1/",
        CLASS_PAGE,
        owner="teacher",
        goes_to=TO_SIGN_IN,
    ),
    # The admin: learners' workspaces, progress, classes and accounts by number.
    *[
        Reach(
            "admin/", url, ADMIN_PAGE, owner="administrator", shows=shows, goes_to=TO_ADMIN_SIGN_IN
        )
        for url, shows in [
            ("/admin/scenarios/workspace/{workspace}/change/", MARKER),
            ("/admin/lessons/progress/{progress}/change/", "ann"),
            ("/admin/classroom/classroom/{class}/change/", MARKER),
            ("/admin/auth/user/{student}/change/", 'value="ann"'),
        ]
    ],
]

# Every other URL pattern, and why it names nothing of a learner's: content every visitor
# (or every instructor) shares, and the forms of signing in and out.
SHARED_ROUTES: dict[str, str] = {
    "scenarios/": "the published scenarios",
    "diagrams/": "the published scenarios' diagrams",
    "console/": "the published scenarios",
    "accounts/signup/": "makes a new account (tests/security/test_redirects.py)",
    "accounts/login/": "signs in (tests/security/test_redirects.py)",
    "accounts/logout/": "signs out (tests/security/test_redirects.py)",
    "instructor/classes/new/": "makes a new class, the instructor's own",
    "instructor/content/": "scenarios and lessons, shared by every instructor",
    "instructor/content/upload/": "loads scenarios and lessons",
    "instructor/content/scenarios/<slug:slug>/publish/": "a scenario, shared content",
    "instructor/content/scenarios/<slug:slug>.json": "a scenario, shared content",
    "instructor/content/lessons/<slug:slug>/publish/": "a lesson, shared content",
    "instructor/content/lessons/<slug:slug>.json": "a lesson, shared content",
}
