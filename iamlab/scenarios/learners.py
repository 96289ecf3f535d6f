"""Which world a page shows a learner: theirs (their workspace replayed) or the scenario's.

Pages that show a world (the overview's diagrams, the diagram pages, the console) ask this
module, and their views hand the result to what draws it. Reading never creates a
workspace: a learner who has not run anything yet sees the scenario's world as it starts.
"""

from __future__ import annotations

from functools import cached_property

from django.http import HttpRequest

from iamlab.scenarios.models import Scenario, Workspace, WorkspaceError
from iamlab.world import World
from iamlab.world.cli import Console


class WorldUnavailable(Exception):
    """The scenario's content does not build a world, so there is nothing to show."""


class LearnerWorld:
    """The world a page shows a learner, whose it is, and who is acting in it now.

    `key` names the world's state without building it (iamlab.scenarios `state_key`), so
    what is drawn from the world can be cached under it; the world itself is restored
    only when something asks for it, which raises WorldUnavailable when the scenario's
    content does not build one.
    """

    def __init__(self, scenario: Scenario, workspace: Workspace | None) -> None:
        self.from_workspace = workspace is not None
        # A learner who has run nothing yet: the scenario's world as it starts, from an
        # empty workspace that is never saved.
        self._workspace = workspace or Workspace(scenario=scenario)
        self.key = self._workspace.state_key()

    @cached_property
    def console(self) -> Console:
        try:
            return self._workspace.console()
        except WorkspaceError as error:
            raise WorldUnavailable(str(error)) from error

    @property
    def world(self) -> World:
        return self.console.world

    @cached_property
    def current(self) -> str | None:
        """The access key the learner's shell would use now, when it names one."""
        return self.console.signing_access_key()


def learner_world(request: HttpRequest, scenario: Scenario) -> LearnerWorld:
    """Return the learner's world (their workspace replayed), else the scenario's.

    Reading `.world` raises WorldUnavailable when the scenario's content is invalid
    (content loaded with plain `loaddata` or edited in the admin may not build a world).
    """
    return LearnerWorld(scenario, Workspace.objects.lookup(request, scenario))
