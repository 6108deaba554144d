"""Errors the domain raises: a machine-readable code plus the values a message needs."""

from __future__ import annotations


class DomainError(Exception):
    """A refused request; the web layer turns `code` into a message in the caller's language.

    :param code: a stable machine-readable code such as ``illegal_transition``
    :param status: the HTTP status the web layer should answer with
    :param params: values the translated message may mention
    """

    def __init__(self, code: str, status: int = 409, **params):
        super().__init__(code)
        self.code = code
        self.status = status
        self.params = params


class NotFound(DomainError):
    """The thing asked for does not exist (unknown service point, ticket, counter)."""

    def __init__(self, code: str, **params):
        super().__init__(code, status=404, **params)


class InvalidRequest(DomainError):
    """The request breaks a rule before anything is looked up (a party of 9)."""

    def __init__(self, code: str, **params):
        super().__init__(code, status=400, **params)
