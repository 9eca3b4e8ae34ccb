"""RuptureError: a negative rup_error code with its name and text."""

from ._native import lib, ffi


class RuptureError(Exception):
    """A librupture error: ``code`` (negative int), ``name`` ("RUP_ERR_...") and ``message``.

    ``name`` and ``message`` come from rup_err_name() and rup_strerror() unless given.
    ``fatal`` is true for codes at or below RUP_ERR_FATAL (the object is unusable).
    """

    def __init__(self, code, name=None, message=None):
        code = int(code)
        if name is None:
            name = ffi.string(lib.rup_err_name(code)).decode()
        if message is None:
            message = ffi.string(lib.rup_strerror(code)).decode()
        super().__init__(code, name, message)
        self.code = code
        self.name = name
        self.message = message

    @property
    def fatal(self):
        return bool(lib.rup_err_is_fatal(self.code))

    def __str__(self):
        return "%s (%d): %s" % (self.name, self.code, self.message)


def check(rc):
    """Return rc if it is not negative, else raise RuptureError(rc)."""
    if rc < 0:
        raise RuptureError(rc)
    return rc


def invalid_argument(message):
    return RuptureError(lib.RUP_ERR_INVALID_ARGUMENT, message=message)


def invalid_state(message):
    return RuptureError(lib.RUP_ERR_INVALID_STATE, message=message)
