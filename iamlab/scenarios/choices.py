"""The fixed choices of scenario content's fields, below the models that store them.

The world spec builder reads them too, so they live apart from the models.
"""

from __future__ import annotations

from django.db import models


class Difficulty(models.TextChoices):
    INTRODUCTORY = "introductory", "Introductory"
    INTERMEDIATE = "intermediate", "Intermediate"
    ADVANCED = "advanced", "Advanced"


class InlinePolicyOwner(models.TextChoices):
    USER = "user", "User"
    GROUP = "group", "Group"
    ROLE = "role", "Role"


class AccessKeyStatus(models.TextChoices):
    ACTIVE = "Active", "Active"
    INACTIVE = "Inactive", "Inactive"


class ProviderType(models.TextChoices):
    OIDC = "oidc", "OpenID Connect (OIDC)"
    SAML = "saml", "SAML 2.0"
