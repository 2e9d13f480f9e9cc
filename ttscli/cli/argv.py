"""Global options anywhere on the command line.

`ttscli say hi --device cpu` and `ttscli list --debug` mean the same as
`ttscli --device cpu say hi` and `ttscli --debug list`: before click parses the
arguments, every global option found after the command is moved in front of
it, with its value. A command's own option of the same name wins (`list
--runtime` filters the listing), and nothing after `--` is touched (it is text).
"""

from __future__ import annotations

import shlex
from typing import Any

_END = "--"


def _global_options(group: Any) -> dict[str, bool]:
    """Option name → takes a value, for the root's options (help excluded)."""
    names: dict[str, bool] = {}
    for param in group.params:
        if param.param_type_name != "option" or param.name == "help":
            continue
        for name in list(param.opts) + list(param.secondary_opts):
            names[name] = not (param.is_flag or param.count)
    return names


def _own_options(command: Any) -> set[str]:
    own: set[str] = set()
    for param in command.params:
        if param.param_type_name == "option":
            own.update(param.opts)
            own.update(param.secondary_opts)
    return own


def _command_path(group: Any, argv: list[str],
                  options: dict[str, bool]) -> tuple[int, int, Any | None]:
    """Index of the first command name in argv, index just after the (sub)command
    names, and the command they name."""
    i = first = 0
    command: Any = group
    found: Any | None = None
    while i < len(argv):
        token = argv[i]
        if token == _END:
            break
        if token.startswith("-"):
            name = token.split("=", 1)[0]
            i += 2 if (command is group and options.get(name) and "=" not in token) else 1
            continue
        sub = getattr(command, "commands", {}).get(token)
        if sub is None:
            break
        if found is None:
            first = i
        found = command = sub
        i += 1
        if not hasattr(sub, "commands"):
            break
    return first, i, found


def hoist_global_options(group: Any, argv: list[str]) -> list[str]:
    """argv with the root's options that follow the command moved before it."""
    options = _global_options(group)
    first, start, command = _command_path(group, argv, options)
    if command is None:
        return argv
    own = _own_options(command)
    head, moved, rest = argv[:start], [], []
    i = start
    while i < len(argv):
        token = argv[i]
        if token == _END:
            rest += argv[i:]
            break
        name = token.split("=", 1)[0] if token.startswith("--") else token
        if name in options and name not in own:
            takes_value = options[name] and "=" not in token
            moved += argv[i:i + 2] if takes_value else [token]
            i += 2 if takes_value else 1
            continue
        rest.append(token)
        i += 1
    if not moved:
        return argv
    return head[:first] + moved + head[first:] + rest


# Options whose value may be left out, by command name: the value a bare option stands for
# (`serve --wyoming` = `serve --wyoming tcp://127.0.0.1:10200`). The command module fills it in.
BARE_VALUES: dict[str, dict[str, str]] = {}


def fill_bare_values(group: Any, argv: list[str]) -> list[str]:
    """argv with the value of a bare option (see :data:`BARE_VALUES`) written out: the option
    is last, or the next word is another option."""
    _, start, command = _command_path(group, argv, _global_options(group))
    bare = BARE_VALUES.get(getattr(command, "name", None) or "", {})
    if not bare:
        return argv
    out = argv[:start]
    for i in range(start, len(argv)):
        token = argv[i]
        if token == _END:
            return out + argv[i:]
        out.append(token)
        following = argv[i + 1] if i + 1 < len(argv) else None
        if token in bare and (following is None or following.startswith("-")):
            out.append(bare[token])
    return out


def dash_text_hint(ctx: Any, argv: list[str], option: str) -> str:
    """The hint for an unknown option that may be text starting with '-' (`say -hello`:
    click names '-e', the hint names the whole word)."""
    known = _own_options(ctx.command) | set(_global_options(ctx.find_root().command))
    args = argv[:argv.index(_END)] if _END in argv else argv
    word = next((t for t in args if t.startswith("-") and t.split("=", 1)[0] not in known), option)
    return f"; text that starts with '-' goes after --: {ctx.command_path} -- {shlex.quote(word)}"
