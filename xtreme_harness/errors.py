"""The exceptions xharness raises on purpose.

Every error a user can cause (a bad file, an unknown name, a broken plugin) is an `XHarnessError`
with a message that says what was wrong, where, and what was expected. The command line prints the
message without a traceback and exits with the error's `exit_code`.
"""

from __future__ import annotations

from collections.abc import Iterable


class XHarnessError(Exception):
    """Base class of all errors xharness reports to users."""

    exit_code = 1


class UsageError(XHarnessError):
    """A command was given an argument or option value it cannot use."""

    exit_code = 2


class UnknownNameError(UsageError):
    """A name (language, task, sampler, ...) that is not known, with the closest known names."""

    def __init__(
        self,
        what: str,
        name: str,
        known: Iterable[str],
        hint: str = "",
        *,
        suggestions: list[str] | None = None,
    ) -> None:
        from xtreme_harness.suggest import closest

        self.what = what
        self.name = name
        self.suggestions = closest(name, known) if suggestions is None else suggestions
        message = f"unknown {what} {name!r}"
        if self.suggestions:
            message += "; did you mean: " + ", ".join(self.suggestions) + "?"
        if hint:
            message += f" ({hint})"
        super().__init__(message)


class DataError(XHarnessError):
    """A file's content is not what was expected.

    The message names the file, and where known the line and the field, then what was expected.
    """

    def __init__(
        self,
        path: str,
        message: str,
        *,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.path = str(path)
        self.line = line
        self.field = field
        where = self.path if line is None else f"{self.path}:{line}"
        if field:
            where += f": field {field!r}"
        super().__init__(f"{where}: {message}")


class SchemaError(DataError):
    """A JSON document does not validate against its JSON Schema."""


class WeightsError(DataError):
    """A model checkpoint lacks weights that loading it would initialise at random where random
    weights are not acceptable (an encoder weight; a pooler that would be used untrained).

    `weights` names them, in the loaded model's naming."""

    def __init__(self, path: str, message: str, weights: Iterable[str]) -> None:
        self.weights = list(weights)
        super().__init__(path, message)


class PluginError(XHarnessError):
    """A plugin could not be loaded or registered something it should not have."""


class DuplicateNameError(PluginError):
    """Two plugins registered the same name for the same registrable (task, regularizer...)."""

    def __init__(
        self, what: str, name: str, first: str, second: str, message: str | None = None
    ) -> None:
        self.what = what
        self.name = name
        self.plugins = (first, second)
        super().__init__(
            message
            or f"{what} {name!r} is registered by plugin {first!r} and again by plugin "
            f"{second!r}; uninstall one of them or block it with XHARNESS_DISABLE_PLUGINS={second}"
        )


class XHarnessWarning(UserWarning):
    """Something a user should know about that does not stop the command (shown as a warning)."""


class PluginWarning(XHarnessWarning):
    """A plugin was skipped (it failed to import or to register), or one of its registrations
    was (its name was taken), and everything else goes on."""
