"""A real SMTP server on a free local port, in a thread: enough of RFC 5321 for Django's smtplib client.

`refuse=True` answers every MAIL FROM with 451 (try again later), as a relay under load does."""

from __future__ import annotations

import email
import email.policy
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class Mailbox:
    refuse: bool = False
    received: list[email.message.EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)


def _handler(box: Mailbox) -> type[socketserver.StreamRequestHandler]:
    class Handler(socketserver.StreamRequestHandler):
        def reply(self, line: str) -> None:
            self.wfile.write(f"{line}\r\n".encode())

        def handle(self) -> None:
            self.reply("220 test ESMTP")
            sender, recipients = "", []
            while raw := self.rfile.readline():
                command = raw.decode("utf-8", "replace").rstrip("\r\n")
                verb = command[:4].upper()
                if verb in ("EHLO", "HELO"):
                    self.reply("250-test" if verb == "EHLO" else "250 test")
                    if verb == "EHLO":
                        self.reply("250 8BITMIME")
                elif verb == "MAIL":
                    if box.refuse:
                        self.reply("451 4.3.0 try again later")
                        continue
                    sender, recipients = command.partition(":")[2].strip(" <>"), []
                    self.reply("250 ok")
                elif verb == "RCPT":
                    recipients.append(command.partition(":")[2].strip(" <>"))
                    self.reply("250 ok")
                elif verb == "DATA":
                    self.reply("354 end with .")
                    lines = []
                    while (line := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
                        lines.append(line[1:] if line.startswith(b"..") else line)
                    box.received.append(
                        email.message_from_bytes(b"".join(lines), policy=email.policy.default)
                    )
                    box.envelopes.append((sender, recipients))
                    self.reply("250 queued")
                elif verb == "QUIT":
                    self.reply("221 bye")
                    return
                else:
                    self.reply("250 ok")

    return Handler


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


@contextmanager
def smtp_server(*, refuse: bool = False) -> Iterator[tuple[int, Mailbox]]:
    """(port, mailbox) of a running server; stopped on exit."""
    box = Mailbox(refuse=refuse)
    server = _Server(("127.0.0.1", 0), _handler(box))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], box
    finally:
        server.shutdown()
        server.server_close()
