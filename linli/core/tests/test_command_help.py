"""Every linli management command answers ``manage.py help <command>``: an operator's first step with a command."""

from io import StringIO

import pytest
from django.core.management import get_commands, load_command_class


def _linli_commands() -> list[tuple[str, str]]:
    return sorted((name, app) for name, app in get_commands().items() if app.startswith("linli."))


def test_there_are_commands_to_check():
    assert any(name == "seed_demo" for name, _app in _linli_commands())


@pytest.mark.parametrize(("name", "app"), _linli_commands())
def test_help_prints(name, app):
    command = load_command_class(app, name)
    parser = command.create_parser("manage.py", name)
    out = StringIO()
    parser.print_help(out)
    assert name in out.getvalue()
