"""An aiosmtpd mail server that says no, the way real ones do, for the failure tests."""

from __future__ import annotations

from tests.notification_helpers import SmtpServer, free_port

# What a real server answers for an unknown mailbox: it quotes the address and names itself.
RECIPIENT_REFUSAL = (
    "550 5.1.1 <{address}>: Recipient address rejected: no such user at relay-7.mx.example"
)
DATA_REFUSAL = "554 5.7.1 Message rejected as spam by filter-3.mx.example"


class RefusingMailBox:
    """An aiosmtpd handler that refuses every recipient, or (with `refuse_data`) every message."""

    def __init__(self, refuse_data: bool = False):
        self.refuse_data = refuse_data

    # aiosmtpd's names, and its signature.
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        """Refuse the recipient, quoting its address; or take it when the data is refused."""
        if self.refuse_data:
            envelope.rcpt_tos.append(address)
            return "250 OK"
        return RECIPIENT_REFUSAL.format(address=address)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        """Refuse the message as a spam filter would."""
        return DATA_REFUSAL


def refusing_smtp_server(refuse_data: bool = False) -> SmtpServer:
    """A loopback SMTP server, not yet started, that refuses recipients (or messages)."""
    server = SmtpServer(free_port())
    server.mailbox = RefusingMailBox(refuse_data)
    return server
