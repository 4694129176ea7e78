"""A local SMTP server (aiosmtpd) that keeps the mails it receives, for the lead-email tests."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from tests.servers import free_port


class MailCatcher:
    def __init__(self) -> None:
        self.mails: list[EmailMessage] = []
        self.port = free_port()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope) -> str:  # aiosmtpd's handler hook
        self.mails.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def start(self) -> "MailCatcher":
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def mails_to(self, reply_to: str) -> list[EmailMessage]:
        return [m for m in self.mails if m["Reply-To"] == reply_to]
