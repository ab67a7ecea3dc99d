"""An aiosmtpd handler for the tests: stores every accepted message in a Maildir, refuses
recipients whose local part starts with "bounce" (550) and defers those starting with "defer"
(451), so permanent and transient failures come from a real SMTP server; a sender whose local
part starts with "login" is answered 530 at MAIL FROM, as a relay that wants a login does.

    /usr/bin/python3 -m aiosmtpd -n -l 127.0.0.1:PORT -c smtp_sink.Sink MAILDIR
"""
import mailbox
import os


class Sink:
    def __init__(self, maildir):
        # Maildir(create=True) leaves an existing empty folder without its tmp/new/cur.
        for sub in ("tmp", "new", "cur"):
            os.makedirs(os.path.join(maildir, sub), exist_ok=True)
        self.box = mailbox.Maildir(maildir, create=False)

    @classmethod
    def from_cli(cls, parser, *args):
        if len(args) != 1:
            parser.error("smtp_sink.Sink takes one argument: the Maildir")
        return cls(args[0])

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if address.split("@")[0].lower().startswith("login"):
            return "530 5.7.0 Authentication required"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@")[0].lower()
        if local.startswith("bounce"):
            return "550 5.1.1 <%s>: mailbox unavailable" % address
        if local.startswith("defer"):
            return "451 4.3.0 <%s>: try again later" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.box.add(envelope.original_content)
        return "250 Message accepted for delivery"
