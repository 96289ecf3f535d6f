from __future__ import annotations

from django.contrib.auth.forms import UserCreationForm


class SignUpForm(UserCreationForm):
    """A user name and a password twice: no e-mail, so a classroom can start at once."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields[
            "username"
        ].help_text = "Up to 150 characters: letters, digits and @ . + - _ only."
        # Browsers and password managers fill these fields better when told what they are.
        self.fields["username"].widget.attrs.update(autocomplete="username", autofocus=True)
