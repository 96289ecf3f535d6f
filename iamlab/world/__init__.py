"""The simulated AWS world: identities, STS, IAM, S3 and Lambda over a simulated clock."""

from __future__ import annotations

from iamlab.world.errors import AwsError, Problem, WorldSpecError

__all__ = ["AwsError", "Problem", "WorldSpecError"]
