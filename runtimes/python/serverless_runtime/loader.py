"""Loads the function named by HANDLER (``package.module:function``) from FUNCTION_PATH."""

from __future__ import annotations

import importlib
import importlib.util
import os
import re
import sys
from typing import Any, Callable, NamedTuple

from .text import first_line, quote

_MODULE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# inspect.CO_COROUTINE; importing inspect would add ~9 ms to every cold start.
_CO_COROUTINE = 0x80


class HandlerLoadError(Exception):
    """The function cannot be served. ``str(error)`` is the one line written to stderr before exiting with code 3."""

    def __init__(self, spec: str, reason: str) -> None:
        super().__init__(f"handler {quote(spec)}: {reason}")


class LoadedHandler(NamedTuple):
    name: str
    fn: Callable[..., Any]
    is_coroutine_function: bool


def parse_handler_spec(spec: str) -> tuple[str, str]:
    """Splits HANDLER into (module, function). Pure."""
    module, sep, function = spec.partition(":")
    if module.endswith(".py"):
        raise HandlerLoadError(spec, f'names a file; name the module instead, such as "{module[:-3]}:{function or "handle"}"')
    if not sep or not _MODULE.match(module) or not _IDENTIFIER.match(function):
        raise HandlerLoadError(spec, 'must be "module:function", such as "main:handle" or "pkg.module:handle"')
    return module, function


def is_inside(path: str, directory: str) -> bool:
    """Whether path is directory or below it. Pure."""
    path, directory = os.path.realpath(path), os.path.realpath(directory)
    return os.path.commonpath([path, directory]) == directory


def load_handler(function_path: str, spec: str) -> LoadedHandler:
    """Imports the module from FUNCTION_PATH (put first on sys.path) and returns its function.

    Raises HandlerLoadError for anything the function's author must fix: a malformed HANDLER, a missing
    directory, module or function, a module that fails to import (syntax error, exception, missing
    dependency), a module found outside FUNCTION_PATH (a name such as "json" taken by the standard library).
    """
    module_name, function_name = parse_handler_spec(spec)
    if not os.path.isdir(function_path):
        raise HandlerLoadError(spec, f"FUNCTION_PATH {quote(function_path)} is not a directory")
    sys.path.insert(0, function_path)
    # The function's directory is the user's source tree: leave no __pycache__ behind in it.
    sys.dont_write_bytecode = True

    origin = _find_origin(spec, module_name, function_path)
    try:
        module = importlib.import_module(module_name)
    except SyntaxError as e:
        raise HandlerLoadError(spec, f"cannot import {origin}: SyntaxError: {e.msg} (line {e.lineno})") from e
    except Exception as e:  # noqa: BLE001 - any failure of the user's module is reported as a load failure
        raise HandlerLoadError(spec, f"cannot import {origin}: {type_name(e)}: {first_line(e)}") from e

    fn = getattr(module, function_name, None)
    if fn is None:
        raise HandlerLoadError(spec, f"function {quote(function_name)} not found in {origin}")
    if not callable(fn):
        raise HandlerLoadError(spec, f"{quote(function_name)} in {origin} is not callable (it is {type(fn).__name__})")
    return LoadedHandler(spec, fn, is_coroutine_function(fn))


def _find_origin(spec: str, module_name: str, function_path: str) -> str:
    """Locates the module without running it; returns "<path>" for messages."""
    try:
        found = importlib.util.find_spec(module_name)
    except ModuleNotFoundError:
        # A parent package of a dotted name is missing.
        found = None
    except Exception as e:  # noqa: BLE001 - find_spec runs parent packages' __init__, which may fail
        raise HandlerLoadError(spec, f"cannot import the package of {quote(module_name)}: {type_name(e)}: {first_line(e)}") from e
    if found is None:
        raise HandlerLoadError(spec, f"module {quote(module_name)} not found in {function_path}")
    origin = found.origin if found.origin not in (None, "built-in", "frozen") else None
    if origin is None and found.submodule_search_locations:
        origin = next(iter(found.submodule_search_locations))
    if origin is None or not is_inside(origin, function_path):
        raise HandlerLoadError(spec, f"module {quote(module_name)} resolves to {origin or 'a built-in module'}, "
                                     f"outside FUNCTION_PATH {function_path}: rename the module")
    return origin


def type_name(error: BaseException) -> str:
    """The exception's type, qualified by its module unless it is a built-in: "ValueError", "app.errors.Invalid"."""
    kind = type(error)
    return kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"


def is_coroutine_function(fn: Callable[..., Any]) -> bool:
    """Whether fn is an ``async def`` function or method.

    Callables this cannot see through (a functools.partial, an object with an async __call__) still
    work: the invoker awaits whatever awaitable a call returns.
    """
    code = getattr(fn, "__code__", None)
    return code is not None and bool(code.co_flags & _CO_COROUTINE)
