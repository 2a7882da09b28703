"""A real SMTP server on 127.0.0.1 for the tests and benchmarks to send to (aiosmtpd)."""

from __future__ import annotations

import email
import logging
import socket
import threading
import time
from dataclasses import dataclass, field
from email.message import Message

from aiosmtpd.controller import Controller

# aiosmtpd logs every SMTP command at INFO; the tests and benchmarks want only its problems.
logging.getLogger("mail.log").setLevel(logging.WARNING)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class SinkHandler:
    messages: list[Message] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    # Set to hold every DATA command this many seconds before accepting it (a slow server).
    stall_seconds: float = 0.0
    # ...but only once this many messages have been accepted (0: from the first).
    stall_after: int = 0
    stalled: threading.Event = field(default_factory=threading.Event)
    # Recipients refused with 550 (a mailbox that does not exist), and the SMTP sessions messages came in.
    refuse: set[str] = field(default_factory=set)
    sessions: set[int] = field(default_factory=set)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.sessions.add(id(session))
        with self.lock:
            accepted = len(self.messages)
        if self.stall_seconds and accepted >= self.stall_after:
            self.stalled.set()
            import asyncio

            await asyncio.sleep(self.stall_seconds)
            if session.transport is None or session.transport.is_closing():
                return "421 client went away"  # never delivered: the client did not wait for the reply
        message = email.message_from_bytes(envelope.content)
        with self.lock:
            self.messages.append(message)
        return "250 OK"


class SmtpSink:
    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.handler = SinkHandler()
        self.controller: Controller | None = None
        self.running = False

    def start(self) -> SmtpSink:
        """Listen (again, after stop(): a restarted server keeps the messages it received)."""
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        self.running = True
        return self

    def stop(self) -> None:
        if self.running:
            self.controller.stop()
            self.running = False

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    @property
    def messages(self) -> list[Message]:
        with self.handler.lock:
            return list(self.handler.messages)

    def recipients(self) -> list[str]:
        return [message["To"] for message in self.messages]

    def wait_for(self, count: int, timeout: float = 60) -> list[Message]:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages
