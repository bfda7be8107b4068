"""The `kyso` command tree in the reader's language, click's own messages included.

Click words its messages ("Usage:", "Error: …", "Try 'kyso … --help' for help.") through
`gettext`, imported by each of its modules as `_` and `ngettext`. `install(lang)` gives those
modules a `gettext` translation object whose catalog is archive.cli.words.CLICK (Vietnamese) or
the identity (English): the standard hook, without a compiled catalog on disk and without
touching the process's default gettext domain. `localize(group, lang)` sets every command's and
option's help from archive.cli.words.HELP. Both run before click parses the command line, so a
usage error is already worded in the reader's language.
"""

from __future__ import annotations

import gettext
import importlib

import click

from archive.cli.words import CLICK, HELP, METAVARS
from verifier.report.codes import pick

# click's modules that word messages (click 8.x); a module a later click lacks is skipped
_CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "types", "termui", "utils",
                  "_termui_impl", "shell_completion")


class _Catalog(gettext.NullTranslations):
    """A gettext translation from a dict: msgid → text; plural forms share the Vietnamese text,
    since Vietnamese does not inflect for number."""

    def __init__(self, messages: dict[str, str]):
        super().__init__()
        self.messages = messages

    def gettext(self, message: str) -> str:
        return self.messages.get(message, message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        chosen = singular if n == 1 else plural
        return self.messages.get(chosen, chosen)


def install(lang: str) -> None:
    translation = _Catalog(CLICK if lang == "vi" else {})
    for name in _CLICK_MODULES:
        try:
            module = importlib.import_module(f"click.{name}")
        except ImportError:
            continue
        if hasattr(module, "_"):
            module._ = translation.gettext
        if hasattr(module, "ngettext"):
            module.ngettext = translation.ngettext


def help_key(path: str, param: click.Parameter) -> str | None:
    """The HELP entry of an option of the command at `path`: its own ("verify --lang"), else the
    shared one ("--trust"); None for an option HELP lacks."""
    for opt in sorted(param.opts + param.secondary_opts, key=len, reverse=True):
        for key in (f"{path} {opt}", opt):
            if key in HELP:
                return key
    return None


def walk(command: click.Command, path: str = "kyso"):
    """(path, command) of the command and every sub-command; the group's path is 'kyso'."""
    yield path, command
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from walk(sub, name if path == "kyso" else f"{path} {name}")


def _metavar_en(param: click.Parameter) -> str | None:
    """The metavar click would show for `param` in English; None where it shows values (a
    choice) or nothing (a flag)."""
    if isinstance(param, click.Option) and (param.is_flag or isinstance(param.type, click.Choice)):
        return None
    base = param.metavar
    if base is None:
        if isinstance(param, click.Argument):
            base = param.name.upper()
        elif isinstance(param.type, click.Path):
            base = "FILE" if not param.type.dir_okay else "DIRECTORY" if not param.type.file_okay else "PATH"
        else:
            base = {"integer": "INTEGER", "float": "NUMBER", "text": "TEXT"}.get(
                param.type.name.split(" ")[0], param.type.name.upper())
    if isinstance(param, click.Argument):
        base = base.strip("[].")
        if not param.required:
            base = f"[{base}]"
        if param.nargs != 1:
            base += "..."
    return base


def _metavar(english: str, lang: str) -> str:
    if lang == "en":
        return english
    core = english.strip("[].")
    return english.replace(core, METAVARS.get(core, core))


def localize(group: click.Command, lang: str) -> None:
    """Every command's and option's help and placeholder (metavar) in `lang`; what HELP lacks
    keeps its own text."""
    for path, command in walk(group):
        if path in HELP:
            command.help = pick(HELP[path], lang)
            command.short_help = None
        command.options_metavar = _metavar("[OPTIONS]", lang)
        if isinstance(command, click.Group):
            command.subcommand_metavar = _metavar("COMMAND", lang) + " " + _metavar("[ARGS]...", lang)
        for param in command.params:
            if not hasattr(param, "_kyso_metavar"):
                param._kyso_metavar = _metavar_en(param)
            if param._kyso_metavar is not None:
                param.metavar = _metavar(param._kyso_metavar, lang)
            if isinstance(param, click.Option):
                key = help_key(path, param)
                if key is not None:
                    param.help = pick(HELP[key], lang)


def lang_everywhere(command: click.Command) -> None:
    """`--lang` on every command that lacks its own, so `kyso … --lang en` is accepted wherever
    it is written; its value is read before parsing (archive.lang.from_args), so it is not passed."""
    if not any("--lang" in p.opts for p in command.params):
        command.params.append(click.Option(["--lang"], type=click.Choice(["vi", "en"]), expose_value=False,
                                           is_eager=True, metavar="[vi|en]"))
    for sub in getattr(command, "commands", {}).values():
        lang_everywhere(sub)
