"""How passwords are stored: Argon2id, sized so that a class can sign in at once.

Django's default (PBKDF2 with 1,000,000 iterations) costs about a quarter of a second of
CPU per sign-in on a small server; a class of 100 signing in within a minute keeps two
cores busy for half of it, and every page waits behind them. Argon2id with 19 MiB of
memory, 2 iterations and 1 lane (OWASP's recommended minimum for Argon2id) costs about
20 ms and, being memory-hard, resists cracking on GPUs better than PBKDF2 does at any CPU
cost. Passwords stored with an older hasher are re-hashed with this one at their next
sign-in (settings.PASSWORD_HASHERS lists the older ones after it).
"""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class ClassroomArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id, m=19 MiB, t=2, p=1 (Django's own Argon2 uses 100 MiB and 8 lanes)."""

    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
