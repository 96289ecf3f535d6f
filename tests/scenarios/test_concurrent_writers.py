"""Writers to one workspace queue: none is refused, none is lost, each keeps its order."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from iamlab.scenarios.models import Scenario, Workspace

WRITERS = 8
LINES = 50


@pytest.mark.django_db(transaction=True)
def test_eight_writers_on_one_workspace_queue(iam_roles: Scenario) -> None:
    assert connection.vendor != "sqlite" or "memory" not in str(connection.settings_dict["NAME"]), (
        "the test needs a file database that threads share through SQLite's locking"
    )
    workspace = Workspace.objects.create(scenario=iam_roles)
    start = threading.Barrier(WRITERS)
    failures: list[str] = []

    def writer(number: int) -> None:
        try:
            session = Workspace.objects.get(pk=workspace.pk).session()
            start.wait()
            for line in range(LINES):
                session.run(f"echo writer-{number} line-{line}")
        except Exception as error:  # every failure is reported below
            failures.append(f"writer {number}: {type(error).__name__}: {error}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(number,)) for number in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert failures == []
    assert not any(thread.is_alive() for thread in threads)
    entries = list(workspace.entries.order_by("seq").values_list("seq", "line"))
    assert [seq for seq, _ in entries] == list(range(1, WRITERS * LINES + 1))
    for number in range(WRITERS):
        own = [line for _, line in entries if line.startswith(f"echo writer-{number} ")]
        assert own == [f"echo writer-{number} line-{line}" for line in range(LINES)]
